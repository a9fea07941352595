using Gateway.Domain.Tenancy;

namespace Gateway.Domain.Tests.Tenancy;

public sealed class TenancyDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly OrganizationState Org = new("org_a", "Acme", new Dictionary<string, string>(), [], OrganizationStatus.Active, 1);

    private static readonly UserState User = new("usr_a", "org_a", "alice", null, null, OrgRole.Member, new Dictionary<string, string>(), UserStatus.Active, 1);

    private static readonly KeyState Key = new("key_a", "org_a", "usr_a", "k", "gw_abc", null, [], null, null, new Dictionary<string, string>(), false, 1);

    [Fact]
    public void Should_suspend_an_active_organization_once_and_refuse_a_second_suspension()
    {
        Assert.IsType<OrganizationSuspended>(TenancyDecisions.Suspend(Org, "unpaid").Event);
        Assert.Equal(DomainErrorKind.Conflict, TenancyDecisions.Suspend(Org with { Status = OrganizationStatus.Suspended }, null).Error!.Kind);
        Assert.Equal(DomainErrorKind.Conflict, TenancyDecisions.Reactivate(Org).Error!.Kind);
        Assert.Equal(DomainErrorKind.NotFound, TenancyDecisions.Suspend(Org with { Status = OrganizationStatus.Deleted }, null).Error!.Kind);
    }

    [Fact]
    public void Should_block_unblock_and_delete_users_in_order()
    {
        Assert.IsType<UserBlocked>(TenancyDecisions.Block(User, null).Event);
        Assert.Equal(DomainErrorKind.Conflict, TenancyDecisions.Unblock(User).Error!.Kind);
        Assert.IsType<UserUnblocked>(TenancyDecisions.Unblock(User with { Status = UserStatus.Blocked }).Event);
        Assert.Equal(DomainErrorKind.NotFound, TenancyDecisions.Delete(User with { Status = UserStatus.Deleted }).Error!.Kind);
    }

    [Fact]
    public void Should_rotate_with_a_grace_deadline_and_never_rotate_a_revoked_key()
    {
        var withGrace = (KeyRotated)TenancyDecisions.Rotate(Key, "gw_new", "new", "old", Now, TimeSpan.FromMinutes(5)).Event!;
        var withoutGrace = (KeyRotated)TenancyDecisions.Rotate(Key, "gw_new", "new", "old", Now, TimeSpan.Zero).Event!;

        Assert.Equal(Now.AddMinutes(5), withGrace.PreviousValidUntil);
        Assert.Null(withoutGrace.PreviousValidUntil);
        Assert.Equal(DomainErrorKind.Conflict, TenancyDecisions.Rotate(Key with { Revoked = true }, "p", "h", "o", Now, TimeSpan.Zero).Error!.Kind);
        Assert.Equal(DomainErrorKind.Conflict, TenancyDecisions.Revoke(Key with { Revoked = true }, null).Error!.Kind);
    }

    [Fact]
    public void Should_give_a_keys_effective_status_revocation_first_then_expiry_then_owner_and_organization()
    {
        Assert.Equal(KeyStatus.Active, Key.StatusAt(Now, OrganizationStatus.Active, UserStatus.Active));
        Assert.Equal(KeyStatus.Active, Key.StatusAt(Now, OrganizationStatus.Active, null));
        Assert.Equal(KeyStatus.Revoked, (Key with { Revoked = true, ExpiresAt = Now.AddDays(-1) }).StatusAt(Now, OrganizationStatus.Suspended, UserStatus.Blocked));
        Assert.Equal(KeyStatus.Expired, (Key with { ExpiresAt = Now }).StatusAt(Now, OrganizationStatus.Suspended, UserStatus.Active));
        Assert.Equal(KeyStatus.Disabled, Key.StatusAt(Now, OrganizationStatus.Suspended, UserStatus.Active));
        Assert.Equal(KeyStatus.Disabled, Key.StatusAt(Now, OrganizationStatus.Active, UserStatus.Blocked));
        Assert.Equal(KeyStatus.Disabled, Key.StatusAt(Now, OrganizationStatus.Active, UserStatus.Deleted));
    }

    [Fact]
    public void Should_record_an_expiry_once_when_it_has_passed_and_again_only_for_a_new_expiry()
    {
        var expired = Key with { ExpiresAt = Now.AddMinutes(-1) };

        var recorded = (KeyExpired)TenancyDecisions.RecordExpiry(expired, recordedFor: null, Now).Event!;
        var movedOn = (KeyExpired)TenancyDecisions.RecordExpiry(expired, recordedFor: Now.AddDays(-30), Now).Event!;

        Assert.Equal(new KeyExpired("key_a", Now.AddMinutes(-1)), recorded);
        Assert.Equal(Now.AddMinutes(-1), movedOn.ExpiresAt);
        Assert.Equal("the key's expiry is already recorded", TenancyDecisions.RecordExpiry(expired, Now.AddMinutes(-1), Now).Error!.Message);
        Assert.Equal("the key has not expired yet", TenancyDecisions.RecordExpiry(Key with { ExpiresAt = Now.AddSeconds(1) }, null, Now).Error!.Message);
        Assert.IsType<KeyExpired>(TenancyDecisions.RecordExpiry(Key with { ExpiresAt = Now }, null, Now).Event);
        Assert.Equal("the key has no expiry", TenancyDecisions.RecordExpiry(Key, null, Now).Error!.Message);
        Assert.Equal("a revoked key does not expire: it was revoked", TenancyDecisions.RecordExpiry(expired with { Revoked = true }, null, Now).Error!.Message);
    }

    [Fact]
    public void Should_tell_resource_ids_of_each_kind_apart()
    {
        var org = ResourceId.New(ResourceId.Organization);

        Assert.True(ResourceId.IsValid(ResourceId.Organization, org));
        Assert.False(ResourceId.IsValid(ResourceId.User, org));
        Assert.False(ResourceId.IsValid(ResourceId.Organization, "org_XYZ"));
        Assert.True(string.CompareOrdinal(org, ResourceId.New(ResourceId.Organization)) < 0, "ids sort by creation");
    }

    [Fact]
    public void Should_sort_ids_made_within_one_millisecond_in_the_order_they_were_made()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => ResourceId.New(ResourceId.Key)).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(ResourceId.IsValid(ResourceId.Key, id) && Guid.Parse(id[4..]).Version == 7, id));
    }

    [Fact]
    public void Should_collect_every_field_problem_at_once()
    {
        var errors = new List<KeyValuePair<string, string>>();

        TenancyRules.Name("name", " ", errors);
        TenancyRules.Email("email", "not-an-email", errors);
        TenancyRules.RateLimit("rpm_limit", 0, errors);
        TenancyRules.GracePeriod("grace_period_seconds", 31 * 24 * 3600, errors);
        TenancyRules.Metadata("metadata", Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v"), errors);

        Assert.Equal(["name", "email", "rpm_limit", "grace_period_seconds", "metadata"], errors.Select(e => e.Key));
    }
}
