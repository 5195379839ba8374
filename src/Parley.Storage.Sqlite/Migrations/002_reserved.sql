-- Schema version 2: intentionally empty on the accounts branch. Version 2 belongs to another branch's migration;
-- the numbering must have no gaps (SchemaMigrations), so this placeholder keeps 003_accounts.sql at version 3
-- until the branches are merged and the scripts renumbered.
SELECT 1;
