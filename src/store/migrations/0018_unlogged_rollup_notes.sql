-- A rollup note lives inside the transaction that writes it: the deferred trigger folds the notes
-- into the cells and deletes them before the commit. So the notes need no WAL: after a crash an
-- unlogged table is emptied, and no committed transaction left a note in it. (Inserted and deleted
-- with their index entries, about twelve row changes per trace that no longer reach the log.)
ALTER TABLE "RollupChanges" SET UNLOGGED;
