package dev.vigil.server.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --url} and {@code --token} options of the commands that talk to a running server (a picocli mixin); what
 * they default to is {@link RemoteServer}'s. Each command's description names the permission its token needs.
 */
final class RemoteOptions {
    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "Server URL. Default: $VIGIL_URL or " + RemoteServer.DEFAULT_URL + ".")
    String url;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "API token (the permission it needs is in the command's description). Default:"
                    + " $VIGIL_API_TOKEN, else $VIGIL_BOOTSTRAP_API_TOKEN.")
    String token;

    /** The server's base URL. */
    String url() {
        return RemoteServer.url(url);
    }

    /** The API token, or null when none is given. */
    String token() {
        return RemoteServer.token(token);
    }
}
