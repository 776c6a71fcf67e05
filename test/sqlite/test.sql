-- run/sqlite.run: tables, indexes, joins, aggregates, transactions and a
-- rollback, against a database file on Arbor's RAM file system; the output
-- must equal the host's sqlite3 on the same script.
.headers on
CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER);
CREATE TABLE book (id INTEGER PRIMARY KEY, author INTEGER REFERENCES author(id), title TEXT, year INTEGER, pages INTEGER);
CREATE INDEX book_year ON book(year);
CREATE UNIQUE INDEX author_name ON author(name);
INSERT INTO author (name, born) VALUES ('Tanenbaum', 1944), ('Liedtke', 1953), ('Lions', 1937), ('Feske', 1978);
INSERT INTO book (author, title, year, pages) VALUES
  (1, 'Operating Systems: Design and Implementation', 1987, 719),
  (1, 'Modern Operating Systems', 1992, 728),
  (2, 'On micro-kernel construction', 1995, 14),
  (3, 'Commentary on UNIX 6th Edition', 1977, 254),
  (4, 'Genode Foundations', 2015, 520),
  (4, 'Genode Foundations 2', 2023, 560);
SELECT a.name, count(*) AS books, sum(b.pages) AS pages FROM author a JOIN book b ON b.author = a.id GROUP BY a.id ORDER BY pages DESC;
SELECT title FROM book WHERE year BETWEEN 1980 AND 2000 ORDER BY year;
SELECT a.name, b.title FROM author a LEFT JOIN book b ON b.author = a.id AND b.year > 2000 ORDER BY a.name, b.title;
EXPLAIN QUERY PLAN SELECT * FROM book WHERE year = 1995;
BEGIN;
UPDATE book SET pages = pages * 2;
DELETE FROM author WHERE name = 'Lions';
SELECT count(*) AS authors_inside, sum(pages) AS pages_inside FROM author, book WHERE book.author = author.id;
ROLLBACK;
SELECT count(*) AS authors_after_rollback, (SELECT sum(pages) FROM book) AS pages_after_rollback FROM author;
BEGIN;
INSERT INTO author (name, born) VALUES ('Ritchie', 1941);
COMMIT;
SELECT name FROM author WHERE born < 1950 ORDER BY born;
INSERT INTO author (name, born) VALUES ('Tanenbaum', 2000);
SELECT printf('%.3f', avg(pages)) AS avg_pages, max(year) - min(year) AS span, group_concat(id, ',') AS ids FROM book;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT sum(i * i) AS squares FROM n;
SELECT upper(substr(title, 1, 6)) AS t, length(title) AS len, replace(title, ' ', '_') AS r FROM book WHERE id = 3;
PRAGMA integrity_check;
