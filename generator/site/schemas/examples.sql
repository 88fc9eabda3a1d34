-- Example queries of the open-data database (data.sqlite). The README shows them, the Open data page runs
-- them and shows their first rows, and tests/test_opendata.py checks their results.

-- name: tasks-of-a-department
SELECT t.id, t.text_zh
FROM tasks AS t
JOIN task_units AS tu ON tu.task = t.id
JOIN units AS u ON u.id = tu.unit
WHERE u.name_zh = '市发展改革委'
ORDER BY t.year, t.number;

-- name: links-of-a-task
SELECT l.kind, l.source, l.target, l.score, l.evidence
FROM links AS l
WHERE 'task/2026/20' IN (l.source, l.target)
ORDER BY l.kind, l.score DESC, l.id;

-- name: full-text
SELECT s.id, s.kind, i.url_zh
FROM search AS s
JOIN items AS i ON i.id = s.id
WHERE search MATCH '老旧小区'
ORDER BY s.kind, s.id;

-- name: full-text-two-characters
SELECT s.id, s.kind
FROM search AS s
WHERE instr(s.title_zh, '养老') > 0 OR instr(s.text_zh, '养老') > 0
ORDER BY s.kind, s.id;
