-- The seed keeps wkex_updated_at with a trigger: every UPDATE of a workflow execution stamps it.
CREATE OR REPLACE FUNCTION execlens_touch_wkex_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.wkex_updated_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER "WorkflowExecutions_touch_updated_at"
  BEFORE UPDATE ON "WorkflowExecutions"
  FOR EACH ROW EXECUTE FUNCTION execlens_touch_wkex_updated_at();
