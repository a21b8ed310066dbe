package store

func cleanupBenchFixture() {}
