package dev.vigil.server.cli;

import picocli.CommandLine.Command;

/** {@code vigil audit}: the audit trail (sub-commands). */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "The audit trail.",
        subcommands = {AuditVerifyCommand.class})
final class AuditCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }
}
