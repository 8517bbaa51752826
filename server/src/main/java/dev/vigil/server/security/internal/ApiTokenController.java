package dev.vigil.server.security.internal;

import dev.vigil.server.security.ApiScope;
import dev.vigil.server.security.ApiTokenInfo;
import dev.vigil.server.security.ApiTokenService;
import dev.vigil.server.security.IssuedApiToken;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/tokens}: list, issue and revoke API tokens (admin only). */
@RestController
@RequestMapping("/api/v1/tokens")
class ApiTokenController {
    private final ApiTokenService tokens;

    ApiTokenController(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    record IssueRequest(
            @NotBlank @Size(max = 200) String name,
            @NotBlank String scope,
            @Size(max = 200) String source,
            Instant expiresAt) {}

    @GetMapping
    List<ApiTokenInfo> list() {
        return tokens.list();
    }

    @PostMapping
    ResponseEntity<IssuedApiToken> issue(@Valid @RequestBody IssueRequest request) {
        ApiScope scope = ApiScope.parse(request.scope());
        IssuedApiToken issued = tokens.issue(scope, request.name(), blankToNull(request.source()), request.expiresAt());
        return ResponseEntity.status(HttpStatus.CREATED).body(issued);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(@PathVariable UUID id) {
        return tokens.revoke(id)
                ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
