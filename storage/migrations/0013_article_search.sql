-- Full-text search over the last 30 days (/search, inline mode). The index holds each
-- article's title and summary as bot.core.search.index_terms makes them: normalized words
-- and their stems, so SQLite's own tokenizer only splits on spaces. Queries are single
-- quoted terms, so positions are not kept (detail=column: a smaller, faster index). Rows are added and
-- rewritten by storage/articles.py as articles are stored; a deleted article (pruned, or
-- its feed removed) leaves the index here, whatever deleted it. Articles stored before this
-- migration are indexed at the next start (storage/search.py, catch_up).
CREATE VIRTUAL TABLE article_search USING fts5(
    title,
    summary,
    tokenize = 'unicode61 remove_diacritics 0',
    detail = column
);
INSERT INTO article_search (article_search, rank) VALUES ('rank', 'bm25(3.0, 1.0)');
CREATE TRIGGER article_search_forget AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = old.id;
END;
