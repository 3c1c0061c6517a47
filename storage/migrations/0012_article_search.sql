-- Full-text search over the last 30 days (/search, inline mode). The index holds each
-- article's title and summary as bot.core.search.index_terms makes them: normalized words
-- and their stems, letters and digits separated by spaces. The 'ascii' tokenizer splits only
-- there (every other character is part of a word), so a term is always one token; unicode61
-- would split a word at letters its older Unicode tables lack, making a quoted term a
-- phrase, which detail=column refuses. Queries are single quoted terms, so positions are
-- not kept (detail=column: a smaller, faster index). Rows are added and
-- rewritten by storage/articles.py as articles are stored; a deleted article (pruned, or
-- its feed removed) leaves the index here, whatever deleted it. Articles stored before this
-- migration are indexed at the next start (storage/search.py, catch_up).
CREATE VIRTUAL TABLE article_search USING fts5(
    title,
    summary,
    tokenize = 'ascii',
    detail = column
);
INSERT INTO article_search (article_search, rank) VALUES ('rank', 'bm25(3.0, 1.0)');
CREATE TRIGGER article_search_forget AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = old.id;
END;
