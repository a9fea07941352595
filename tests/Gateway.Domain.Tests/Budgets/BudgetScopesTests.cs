using Gateway.Domain.Budgets;

namespace Gateway.Domain.Tests.Budgets;

public sealed class BudgetScopesTests
{
    [Theory]
    [InlineData("organization", BudgetScopeKind.Organization)]
    [InlineData("user", BudgetScopeKind.User)]
    [InlineData("key", BudgetScopeKind.Key)]
    public void Every_scope_has_its_lower_case_name(string name, BudgetScopeKind kind)
    {
        Assert.Equal(kind, BudgetScopes.Parse(name));
        Assert.Equal(name, BudgetScopes.Name(kind));
    }

    [Theory]
    [InlineData("Key")]
    [InlineData("1")]
    [InlineData("team")]
    [InlineData("")]
    public void A_name_in_another_case_a_number_or_an_unknown_name_is_no_scope(string name) => Assert.Null(BudgetScopes.Parse(name));

    [Fact]
    public void The_names_read_as_a_list_for_error_messages() => Assert.Equal("organization, user or key", BudgetScopes.Described);
}
