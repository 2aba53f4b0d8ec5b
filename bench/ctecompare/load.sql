-- The tables connect.sql reads (export_nodes, export_edges: not the names of
-- Cayley's own tables, so that this may run in a database that holds a store),
-- from `policygraph export --format csv --out DIR`
-- (run with psql in DIR: psql "$DSN" -f load.sql). An empty CSV field is NULL.
DROP TABLE IF EXISTS export_edges, export_nodes;
CREATE TABLE export_nodes (id text PRIMARY KEY, kind text, name text, category text, stage text, level text,
  code text, english text, aliases text, depth text);
CREATE TABLE export_edges (id text PRIMARY KEY, source text NOT NULL, target text NOT NULL, source_name text,
  target_name text, relation text NOT NULL, inferred boolean, via text, facts int, evidence text,
  document text, section text, rule text);
\copy export_nodes FROM 'nodes.csv' WITH (FORMAT csv, HEADER true)
\copy export_edges FROM 'edges.csv' WITH (FORMAT csv, HEADER true)
-- The walks go from a place to what points at it (target), and from a place
-- to its containers (source); the first covers what connect.sql reads of an
-- edge, so that PostgreSQL answers from the index alone.
CREATE INDEX export_edges_target ON export_edges (target, relation) INCLUDE (source, via);
CREATE INDEX export_edges_source ON export_edges (source, relation);
CREATE INDEX export_nodes_name ON export_nodes (name);
CREATE INDEX export_nodes_level ON export_nodes (level);
VACUUM ANALYZE export_nodes;
VACUUM ANALYZE export_edges;
