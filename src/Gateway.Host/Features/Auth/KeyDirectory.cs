using System.Collections.Concurrent;
using Gateway.Domain.Tenancy;
using Gateway.Host.Persistence;
using Npgsql;

namespace Gateway.Host.Features.Auth;

/// <summary>
/// Every virtual key, organisation and user state the request path needs, in memory: authentication
/// never touches PostgreSQL, and an unknown key costs one hash and one dictionary miss. Changes made on
/// this instance are applied at once (<see cref="RefreshAsync"/> after the append); changes made
/// elsewhere arrive by NOTIFY through <see cref="TenancyChangeListener"/>, with a full reload as the net.
/// </summary>
internal sealed class KeyDirectory(NpgsqlDataSource dataSource, KeySecrets secrets, TimeProvider time) : IDisposable
{
    internal sealed record KeyEntry(
        string Id, string OrgId, string? UserId, byte[] Hash, byte[]? PreviousHash, DateTimeOffset? PreviousValidUntil,
        DateTimeOffset? ExpiresAt, bool Revoked, IReadOnlyList<string> AllowedModels, int? RpmLimit, int? TpmLimit, IReadOnlyList<string> AllowedTools);

    private sealed class State
    {
        public ConcurrentDictionary<string, string> KeyIdByHash { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, KeyEntry> Keys { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, (OrganizationStatus Status, string[] AllowedModels, string[] AllowedTools)> Orgs { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, (UserStatus Status, OrgRole Role)> Users { get; } = new(StringComparer.Ordinal);
    }

    // One writer at a time: a full reload that read the database before a change must not be swapped
    // in after the refresh that applied the change.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private State _state = new();

    public int KeyCount => _state.Keys.Count;

    public void Dispose() => _writer.Dispose();

    public AuthResult Authenticate(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
            return AuthResult.Unauthenticated("missing_api_key", "No API key: send it as Authorization: Bearer <key>, x-api-key, x-goog-api-key or ?key=.");
        if (!KeySecrets.LooksLikeKey(secret))
        {
            return secrets.IsAdminToken(secret)
                ? AuthResult.Success(Principal.PlatformAdmin)
                : AuthResult.Unauthenticated("invalid_api_key", "The API key is not valid.");
        }

        var state = _state;
        var hash = Convert.ToBase64String(secrets.Hash(secret));
        if (!state.KeyIdByHash.TryGetValue(hash, out var keyId) || !state.Keys.TryGetValue(keyId, out var key))
            return AuthResult.Unauthenticated("invalid_api_key", "The API key is not valid.");

        var now = time.GetUtcNow();
        var isPrevious = key.PreviousHash is not null && Convert.ToBase64String(key.PreviousHash) == hash;
        if (isPrevious && !(key.PreviousValidUntil > now))
            return AuthResult.Unauthenticated("invalid_api_key", "The API key was rotated and its grace period is over; use the new key.");
        if (key.Revoked)
            return AuthResult.Unauthenticated("revoked_api_key", "The API key was revoked.");
        if (key.ExpiresAt <= now)
            return AuthResult.Unauthenticated("expired_api_key", "The API key has expired.");

        var org = state.Orgs.TryGetValue(key.OrgId, out var o) ? o.Status : OrganizationStatus.Deleted;
        if (org == OrganizationStatus.Deleted)
            return AuthResult.Unauthenticated("invalid_api_key", "The API key is not valid.");
        if (org == OrganizationStatus.Suspended)
            return AuthResult.Forbidden("organization_suspended", "The organization this key belongs to is suspended.");

        var role = OrgRole.Member;
        if (key.UserId is not null)
        {
            var (status, userRole) = state.Users.GetValueOrDefault(key.UserId, (UserStatus.Deleted, OrgRole.Member));
            if (status == UserStatus.Deleted)
                return AuthResult.Unauthenticated("invalid_api_key", "The API key is not valid.");
            if (status == UserStatus.Blocked)
                return AuthResult.Forbidden("user_blocked", "The user this key belongs to is blocked.");
            role = userRole;
        }

        var kind = role == OrgRole.Admin ? PrincipalKind.OrgAdmin : PrincipalKind.Member;
        return AuthResult.Success(new Principal(kind, key.OrgId, key.UserId, key.Id));
    }

    /// <summary>
    /// Whether the caller may use a model: both its organisation's and its key's allow-lists must
    /// admit it (an empty list admits all). Patterns match <c>provider:model</c> or the bare model name.
    /// </summary>
    public bool MayUse(Principal principal, string provider, string model)
    {
        if (principal.KeyId is null)
            return true;
        var state = _state;
        var orgAllowed = principal.OrgId is not null && state.Orgs.TryGetValue(principal.OrgId, out var org) ? org.AllowedModels : [];
        var keyAllowed = state.Keys.TryGetValue(principal.KeyId, out var key) ? key.AllowedModels : [];
        var qualified = provider + ":" + model;
        return (ModelPattern.Allows(orgAllowed, qualified) || ModelPattern.Allows(orgAllowed, model))
            && (ModelPattern.Allows(keyAllowed, qualified) || ModelPattern.Allows(keyAllowed, model));
    }

    /// <summary>
    /// Whether the caller may use a gateway tool (its type, <c>gateway_web_search</c>): both its organisation's and its
    /// key's <c>allowed_tools</c> must name it (an empty list allows every enabled tool).
    /// </summary>
    public bool MayUseTool(Principal principal, string type)
    {
        if (principal.KeyId is null)
            return true;
        var state = _state;
        var orgAllowed = principal.OrgId is not null && state.Orgs.TryGetValue(principal.OrgId, out var org) ? org.AllowedTools : [];
        var keyAllowed = state.Keys.TryGetValue(principal.KeyId, out var key) ? key.AllowedTools : [];
        return (orgAllowed.Length == 0 || orgAllowed.Contains(type)) && (keyAllowed.Count == 0 || keyAllowed.Contains(type));
    }

    /// <summary>The virtual key's own requests- and tokens-per-minute limits (none for the admin token).</summary>
    public (int? Rpm, int? Tpm) RateLimits(string? keyId) =>
        keyId is not null && _state.Keys.TryGetValue(keyId, out var key) ? (key.RpmLimit, key.TpmLimit) : (null, null);

    /// <summary>Reads everything afresh and swaps it in whole.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            var next = new State();
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await LoadOrganizationsAsync(conn, next, null, ct);
            await LoadUsersAsync(conn, next, null, ct);
            await LoadKeysAsync(conn, next, null, ct);
            _state = next;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Re-reads one organisation, user or key (told apart by the id's prefix).</summary>
    public async Task RefreshAsync(string resourceId, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            var state = _state;
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            switch (resourceId[..resourceId.IndexOf('_', StringComparison.Ordinal)])
            {
                case ResourceId.Organization:
                    await LoadOrganizationsAsync(conn, state, resourceId, ct);
                    break;
                case ResourceId.User:
                    await LoadUsersAsync(conn, state, resourceId, ct);
                    break;
                case ResourceId.Key:
                    await LoadKeysAsync(conn, state, resourceId, ct);
                    break;
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    private static async Task LoadOrganizationsAsync(NpgsqlConnection conn, State state, string? id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select id, status, allowed_models, allowed_tools from organizations where $1::text is null or id = $1", conn);
        cmd.Parameters.Add(new() { Value = (object?)id ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            state.Orgs[reader.GetString(0)] = (SnakeCase.Parse<OrganizationStatus>(reader.GetString(1)), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<string[]>(3));
    }

    private static async Task LoadUsersAsync(NpgsqlConnection conn, State state, string? id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select id, status, role from users where $1::text is null or id = $1", conn);
        cmd.Parameters.Add(new() { Value = (object?)id ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            state.Users[reader.GetString(0)] = (SnakeCase.Parse<UserStatus>(reader.GetString(1)), SnakeCase.Parse<OrgRole>(reader.GetString(2)));
    }

    private static async Task LoadKeysAsync(NpgsqlConnection conn, State state, string? id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select id, org_id, user_id, hash, previous_hash, previous_valid_until, expires_at, revoked, allowed_models, rpm_limit, tpm_limit, allowed_tools
            from virtual_keys where $1::text is null or id = $1
            """, conn);
        cmd.Parameters.Add(new() { Value = (object?)id ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var entry = new KeyEntry(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<byte[]>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetBoolean(7), reader.GetFieldValue<string[]>(8),
                reader.IsDBNull(9) ? null : reader.GetInt32(9), reader.IsDBNull(10) ? null : reader.GetInt32(10), reader.GetFieldValue<string[]>(11));
            if (state.Keys.TryGetValue(entry.Id, out var old))
            {
                state.KeyIdByHash.TryRemove(Convert.ToBase64String(old.Hash), out _);
                if (old.PreviousHash is not null)
                    state.KeyIdByHash.TryRemove(Convert.ToBase64String(old.PreviousHash), out _);
            }

            state.Keys[entry.Id] = entry;
            state.KeyIdByHash[Convert.ToBase64String(entry.Hash)] = entry.Id;
            if (entry.PreviousHash is not null)
                state.KeyIdByHash[Convert.ToBase64String(entry.PreviousHash)] = entry.Id;
        }
    }
}
