"""The project's tests: a package, so helpers are imported by package path (`tests.support...`);
it shadows the unrelated top-level `tests` package that `clevertimapi` installs."""
