using Gateway.Domain.Tenancy;

namespace Gateway.Domain.Tests.Tenancy;

public sealed class AccessTests
{
    private static readonly Principal OrgAdmin = new(PrincipalKind.OrgAdmin, "org_a", "usr_admin", "key_1");
    private static readonly Principal Member = new(PrincipalKind.Member, "org_a", "usr_member", "key_2");

    [Fact]
    public void Should_hide_another_tenants_resources_as_not_found_from_everyone_of_a_tenant()
    {
        foreach (var principal in new[] { OrgAdmin, Member })
        {
            Assert.Equal(AccessDecision.NotFound, Access.Read(principal, "org_b", "usr_x"));
            Assert.Equal(AccessDecision.NotFound, Access.Manage(principal, "org_b"));
            Assert.Equal(AccessDecision.NotFound, Access.Operate(principal, "org_b"));
            Assert.Equal(AccessDecision.NotFound, Access.ReadOrganization(principal, "org_b"));
        }
    }

    [Fact]
    public void Should_forbid_members_what_admins_may_do_in_their_own_organization()
    {
        Assert.Equal(AccessDecision.Allowed, Access.Manage(OrgAdmin, "org_a"));
        Assert.Equal(AccessDecision.Forbidden, Access.Manage(Member, "org_a"));
        Assert.Equal(AccessDecision.Allowed, Access.Read(OrgAdmin, "org_a", "usr_member"));
        Assert.Equal(AccessDecision.Forbidden, Access.Read(Member, "org_a", "usr_admin"));
        Assert.Equal(AccessDecision.Allowed, Access.Read(Member, "org_a", "usr_member"));
    }

    [Fact]
    public void Should_reserve_operating_organizations_to_the_platform_admin()
    {
        Assert.Equal(AccessDecision.Allowed, Access.Operate(Principal.PlatformAdmin, null));
        Assert.Equal(AccessDecision.Forbidden, Access.Operate(OrgAdmin, null));
        Assert.Equal(AccessDecision.Forbidden, Access.Operate(OrgAdmin, "org_a"));
    }

    [Fact]
    public void Should_name_the_actor_without_any_secret()
    {
        Assert.Equal("platform-admin", Principal.PlatformAdmin.Actor);
        Assert.Equal("user:usr_admin via key:key_1", OrgAdmin.Actor);
        Assert.Equal("key:key_9", new Principal(PrincipalKind.Member, "org_a", null, "key_9").Actor);
    }
}
