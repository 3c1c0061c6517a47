-- Languages: each article's, as detected at ingestion, and the ones each chat reads.

-- ISO 639-1 ('ar', 'en', …; 'und' for text without letters). NULL: stored before
-- detection, read as Arabic.
ALTER TABLE articles ADD COLUMN lang TEXT;
-- The languages a chat's digest draws from, Arabic first then by code ('ar,en').
-- NULL: the default for its interface language (Arabic; English readers add English).
ALTER TABLE users ADD COLUMN languages TEXT;
