-- A feed's declared section: the topic ids its items belong to (space-separated), from the
-- feed list (`topics = [...]`), an OPML outline's `category`, or `mujaz feeds add --topics`.
-- Classification counts it as evidence: it tips a borderline item, it never files an
-- item whose text says nothing of the topic.
ALTER TABLE feeds ADD COLUMN topics TEXT NOT NULL DEFAULT '';
