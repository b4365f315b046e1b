-- The cached summary becomes typed data in one column (db/sqlite/V15__typed_summary.sql says why);
-- existing rows get theirs computed on first read.
ALTER TABLE messages ADD COLUMN summary bytea,
    DROP COLUMN envelope,
    DROP COLUMN body,
    DROP COLUMN bodystructure;
