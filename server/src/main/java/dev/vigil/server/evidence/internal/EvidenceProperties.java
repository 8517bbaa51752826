package dev.vigil.server.evidence.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** {@code vigil.evidence.*}: {@code max-size} is the largest file the locker accepts (default 512 MB). */
@ConfigurationProperties("vigil.evidence")
record EvidenceProperties(@DefaultValue("512MB") DataSize maxSize) {}
