-- Sign-in attempts are reserved before the password is checked (so parallel
-- guesses are counted), and a successful attempt takes its reservation back:
-- each row names the attempt that wrote it.
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
CREATE INDEX login_failures_attempt ON login_failures(attempt);
