-- run/libc_fs.run: the sqlite3 shell with its database (and its rollback
-- journal) on the ext2 disk; the host's sqlite3 checks the file after
-- the boot.
PRAGMA journal_mode; -- "delete": the journal is made and removed with each transaction
CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER);
BEGIN;
INSERT INTO kv VALUES ('one', 1), ('two', 2), ('three', 3);
COMMIT;
BEGIN;
INSERT INTO kv VALUES ('never', 0);
ROLLBACK;
CREATE TABLE big (id INTEGER PRIMARY KEY, t TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
  INSERT INTO big (t) SELECT printf('row %d %s', i, hex(randomblob(20))) FROM n;
UPDATE kv SET v = v * 10 WHERE k = 'two';
DELETE FROM big WHERE id % 2 = 0;
SELECT k, v FROM kv ORDER BY v;
SELECT count(*) FROM big;
