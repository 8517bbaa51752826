package dev.vigil.server.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The global in-flight budget: admission, the lone-request rule, refusal counting and drain wake-ups. */
class InFlightGateTest {
    @Test
    void leasesShareTheBudgetAndARefusalIsCountedOncePerLease() {
        InFlightGate gate = new InFlightGate(100);
        InFlightGate.Lease a = gate.lease();
        InFlightGate.Lease b = gate.lease();
        assertThat(a.ensure(60)).isTrue();
        assertThat(b.ensure(40)).isTrue();
        assertThat(gate.used()).isEqualTo(100);
        assertThat(b.ensure(41)).isFalse();
        assertThat(b.ensure(50)).isFalse();
        assertThat(gate.refused()).isEqualTo(1);
        assertThat(b.held()).isEqualTo(40);
        assertThatThrownBy(() -> b.require(41)).isSameAs(InFlightGate.FULL);
        a.close();
        a.close(); // idempotent
        assertThat(gate.used()).isEqualTo(40);
        assertThat(b.ensure(100)).isTrue();
        b.close();
        assertThat(gate.used()).isZero();
        assertThat(gate.peak()).isEqualTo(100);
    }

    @Test
    void aLoneLeaseMayExceedTheBudgetSoNoClientIsRefusedForever() {
        InFlightGate gate = new InFlightGate(100);
        InFlightGate.Lease big = gate.lease();
        assertThat(big.ensure(500)).isTrue();
        InFlightGate.Lease small = gate.lease();
        assertThat(small.ensure(1)).isFalse();
        big.close();
        assertThat(small.ensure(1)).isTrue();
    }

    @Test
    void drainListenersRunAfterAReleaseLeavesTheGateHalfEmptyOrAtOnceWhenIdle() {
        InFlightGate gate = new InFlightGate(100);
        AtomicInteger woken = new AtomicInteger();
        gate.onDrained(woken::incrementAndGet);
        assertThat(woken).hasValue(1); // idle

        InFlightGate.Lease a = gate.lease();
        InFlightGate.Lease b = gate.lease();
        a.ensure(40);
        b.ensure(50);
        gate.onDrained(woken::incrementAndGet);
        assertThat(woken).hasValue(1); // bytes in flight: waits for a release
        b.close(); // 40 left, at most half: wakes
        assertThat(woken).hasValue(2);
        gate.onDrained(woken::incrementAndGet);
        assertThat(woken).hasValue(2); // 40 in flight: waits for the next release, never spins
        a.close();
        assertThat(woken).hasValue(3);
    }
}
