package dev.vigil.server.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest (Implementation-Version), "dev" when run from classes. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VigilCommand.class.getPackage().getImplementationVersion();
        return new String[] {"vigil " + (v == null ? "dev" : v)};
    }
}
