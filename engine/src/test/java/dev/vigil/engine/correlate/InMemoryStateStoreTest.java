package dev.vigil.engine.correlate;

/** The SPI contract for the default store. */
class InMemoryStateStoreTest extends StateStoreContract {
    @Override
    StateStore newStore(int perRule, int total) {
        return new InMemoryStateStore(perRule, total);
    }
}
