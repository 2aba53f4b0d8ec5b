-- connect(a, b) as a recursive CTE over the tables bench/ctecompare/load.sql
-- makes from `policygraph export --format csv`: the initiatives tied to
-- place $1 and to place $2, in the order GraphQL's connect gives them.
--
-- The rules are the README's and graph/connect.go's: an initiative is tied to
-- a place when it is LOCATED_IN or CONNECTS the place itself (reach 1,
-- DIRECT), a place inside it at any depth by PART_OF (2, MEMBER), or a place
-- containing it that is not broad (3, REGION). A place is broad when it is a
-- country or a province, or a region with a broad member. An edge that holds
-- through a region (via) reaches at most REGION, and not at all when that
-- region is broad. Answers come by the weaker side's best reach, then the
-- stronger side's, then name and ID (bytewise).
WITH RECURSIVE
broad(p) AS (
  SELECT id FROM export_nodes WHERE level IN ('COUNTRY', 'PROVINCE')
  UNION
  SELECT e.target FROM export_edges e JOIN broad ON e.source = broad.p
  JOIN export_nodes r ON r.id = e.target AND r.level = 'REGION'
  WHERE e.relation = 'PART_OF'),
a(p) AS (SELECT id FROM export_nodes WHERE kind = 'PLACE' AND name = $1),
b(p) AS (SELECT id FROM export_nodes WHERE kind = 'PLACE' AND name = $2),
down_a(p) AS (SELECT p FROM a UNION SELECT e.source FROM export_edges e JOIN down_a d ON e.target = d.p WHERE e.relation = 'PART_OF'),
down_b(p) AS (SELECT p FROM b UNION SELECT e.source FROM export_edges e JOIN down_b d ON e.target = d.p WHERE e.relation = 'PART_OF'),
up_a(p) AS (SELECT p FROM a UNION SELECT e.target FROM export_edges e JOIN up_a u ON e.source = u.p WHERE e.relation = 'PART_OF'),
up_b(p) AS (SELECT p FROM b UNION SELECT e.target FROM export_edges e JOIN up_b u ON e.source = u.p WHERE e.relation = 'PART_OF'),
src_a(p, reach) AS (
  SELECT p, 1 FROM a
  UNION ALL SELECT p, 2 FROM down_a WHERE p NOT IN (SELECT p FROM a)
  UNION ALL SELECT p, 3 FROM up_a WHERE p NOT IN (SELECT p FROM a) AND p NOT IN (SELECT p FROM broad)),
src_b(p, reach) AS (
  SELECT p, 1 FROM b
  UNION ALL SELECT p, 2 FROM down_b WHERE p NOT IN (SELECT p FROM b)
  UNION ALL SELECT p, 3 FROM up_b WHERE p NOT IN (SELECT p FROM b) AND p NOT IN (SELECT p FROM broad)),
tied_a(ini, reach) AS (
  SELECT e.source, min(CASE WHEN e.via IS NULL THEN s.reach ELSE greatest(s.reach, 3) END)
  FROM export_edges e JOIN src_a s ON e.target = s.p
  WHERE e.relation IN ('LOCATED_IN', 'CONNECTS') AND (e.via IS NULL OR e.via NOT IN (SELECT p FROM broad))
  GROUP BY e.source),
tied_b(ini, reach) AS (
  SELECT e.source, min(CASE WHEN e.via IS NULL THEN s.reach ELSE greatest(s.reach, 3) END)
  FROM export_edges e JOIN src_b s ON e.target = s.p
  WHERE e.relation IN ('LOCATED_IN', 'CONNECTS') AND (e.via IS NULL OR e.via NOT IN (SELECT p FROM broad))
  GROUP BY e.source)
SELECT n.id, n.name
FROM tied_a ta JOIN tied_b tb USING (ini) JOIN export_nodes n ON n.id = ta.ini AND n.kind = 'INITIATIVE'
ORDER BY greatest(ta.reach, tb.reach), least(ta.reach, tb.reach), n.name COLLATE "C", n.id COLLATE "C"
