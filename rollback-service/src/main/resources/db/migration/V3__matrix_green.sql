-- breach -> "lease restored and matrix green": the first round of the verification VALIDATE in which every layer
-- PASSED, as the worker reported it (facts firstGreenAt, firstGreenRound); ROLLED_BACK still waits for the window
ALTER TABLE rollback ADD COLUMN matrix_green_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE rollback ADD COLUMN matrix_green_round INTEGER;
