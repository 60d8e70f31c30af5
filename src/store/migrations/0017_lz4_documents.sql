-- The large JSON documents (an execution's attributes, a model request's messages) are compressed
-- with lz4 where the server has it: several times faster than pglz to compress on every write and
-- to decompress on every read (pglz was 8 % of the server's CPU under ingest). Only new values
-- are written with it; a server built without lz4 (PGlite) keeps pglz.
DO $$
BEGIN
  ALTER TABLE "WorkflowExecutions" ALTER COLUMN wkex_attributes SET COMPRESSION lz4;
  ALTER TABLE "WorkflowStepExecutions" ALTER COLUMN wstp_attributes SET COMPRESSION lz4;
  ALTER TABLE "SkillExecutions" ALTER COLUMN exec_attributes SET COMPRESSION lz4;
  ALTER TABLE "LlmCalls" ALTER COLUMN messages SET COMPRESSION lz4, ALTER COLUMN step SET COMPRESSION lz4;
  ALTER TABLE "AiCalls" ALTER COLUMN change SET COMPRESSION lz4;
  ALTER TABLE "ClientCalls" ALTER COLUMN detail SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END $$;
