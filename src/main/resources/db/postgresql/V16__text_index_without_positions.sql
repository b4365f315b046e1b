-- db/sqlite/V16 drops the word positions from SQLite's FTS5 index. pg_trgm's GIN indexes never kept
-- any: nothing changes here, and the version keeps both dialects' histories aligned.
SELECT 1;
