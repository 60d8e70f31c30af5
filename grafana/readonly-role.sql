-- A read-only role for Grafana. Run it as a superuser (or the owner of the execlens tables):
--   psql "$DATABASE_URL" -v password='change-me' -f grafana/readonly-role.sql
-- Role name: execlens_grafana (rename it with -v role=…).
\if :{?role}
\else
  \set role execlens_grafana
\endif
CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
GRANT USAGE ON SCHEMA public TO :"role";
GRANT SELECT ON "SkillExecutions", "WorkflowExecutions", "WorkflowStepExecutions" TO :"role";
-- Panels must not hold locks or run away: bound every statement of this role.
ALTER ROLE :"role" SET statement_timeout = '30s';
ALTER ROLE :"role" SET default_transaction_read_only = on;
