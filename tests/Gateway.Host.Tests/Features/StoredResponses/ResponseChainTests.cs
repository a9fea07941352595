using System.Text.Json.Nodes;
using Gateway.Host.Features.Dialects;
using Gateway.Host.Features.StoredResponses;
using Gateway.Host.Tests.Infrastructure;

namespace Gateway.Host.Tests.Features.StoredResponses;

/// <summary>
/// <see cref="ResponseStore.ChainAsync(string, string, CancellationToken)"/>, what <c>previous_response_id</c> expands
/// from, against the real database: the conversation oldest first, walked within the organisation, refused (400
/// naming previous_response_id) at a missing link or past the depth cap. Also how a save stores.
/// </summary>
public sealed class ResponseChainTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Org = "org_a";

    private TestDatabase _db = null!;

    private ResponseStore Store => new(_db.DataSource);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _db = await postgres.NewDatabaseAsync(nameof(ResponseChainTests));

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    /// <summary>Stores resp_1 ... resp_n of <paramref name="org"/>, each continuing the one before.</summary>
    private async Task SaveConversationAsync(int length, string org = Org)
    {
        for (var i = 1; i <= length; i++)
            await Store.SaveAsync(SampleResponses.Of(org, $"resp_{i}", i == 1 ? null : $"resp_{i - 1}", [$"msg_{i}a", $"msg_{i}b"], text: $"answer {i}"), Ct);
    }

    private static Refusal Refused(RefusalOr<ResponseChain> chain) =>
        chain.Refused(out var refusal, out var turns) ? refusal : throw new Xunit.Sdk.XunitException($"expected a refusal, got {turns.Turns.Count} turns");

    private static ResponseChain Turns(RefusalOr<ResponseChain> chain) =>
        chain.Refused(out var refusal, out var turns) ? throw new Xunit.Sdk.XunitException($"refused: {refusal}") : turns;

    [Fact]
    public async Task Should_give_the_conversation_oldest_first_with_each_requests_input_and_each_answers_output()
    {
        await SaveConversationAsync(3);

        var chain = Turns(await Store.ChainAsync(Org, "resp_3", Ct));

        Assert.Equal(["resp_1", "resp_2", "resp_3"], chain.Turns.Select(t => t.Id));
        Assert.Equal(SampleResponses.Input("msg_1a", "msg_1b"), chain.Turns[0].Input);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SampleResponses.Object("resp_2", "answer 2", "resp_1"))!["output"], JsonNode.Parse(chain.Turns[1].Output)));
        Assert.Equal("answer 3", (string?)JsonNode.Parse(chain.Turns[2].Output)![0]!["content"]![0]!["text"]);
    }

    [Fact]
    public async Task Should_give_an_empty_output_for_a_stored_object_without_one()
    {
        await Store.SaveAsync(SampleResponses.Of(Org, "resp_bare") with { Response = """{"id":"resp_bare","object":"response","status":"incomplete"}""" }, Ct);

        var chain = Turns(await Store.ChainAsync(Org, "resp_bare", Ct));

        Assert.Equal("[]", Assert.Single(chain.Turns).Output);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_previous_id_in_openais_words()
    {
        await SaveConversationAsync(1);

        var refusal = Refused(await Store.ChainAsync(Org, "resp_nope", Ct));

        Assert.Equal((400, "previous_response_not_found", "Previous response with id 'resp_nope' not found."), (refusal.Status, refusal.Code, refusal.Message));
        Assert.Equal("previous_response_id", Assert.Single(refusal.Fields!).Path);
    }

    [Fact]
    public async Task Should_refuse_a_conversation_with_a_missing_link_naming_the_response_that_is_gone()
    {
        await SaveConversationAsync(4);
        Assert.True(await Store.DeleteAsync(Org, "resp_2", Ct));

        var refusal = Refused(await Store.ChainAsync(Org, "resp_4", Ct));

        Assert.Equal((400, "previous_response_not_found"), (refusal.Status, refusal.Code));
        Assert.Equal(
            "Previous response with id 'resp_2' not found: it is an earlier response of the conversation that 'resp_4' continues, and it was deleted or is past the retention period.",
            refusal.Message);
        Assert.Equal("previous_response_id", Assert.Single(refusal.Fields!).Path);
    }

    [Fact]
    public async Task Should_walk_only_within_the_organization_so_another_organizations_response_is_a_missing_link()
    {
        await SaveConversationAsync(1, org: "org_b");
        await Store.SaveAsync(SampleResponses.Of(Org, "resp_2", previous: "resp_1"), Ct);

        var across = Refused(await Store.ChainAsync(Org, "resp_2", Ct));
        var theirs = Refused(await Store.ChainAsync(Org, "resp_1", Ct));

        Assert.StartsWith("Previous response with id 'resp_1' not found: it is an earlier response", across.Message, StringComparison.Ordinal);
        Assert.Equal("Previous response with id 'resp_1' not found.", theirs.Message);
        Assert.Equal(["resp_1"], Turns(await Store.ChainAsync("org_b", "resp_1", Ct)).Turns.Select(t => t.Id));
    }

    [Fact]
    public async Task Should_take_a_conversation_as_long_as_the_cap_and_refuse_a_longer_one_naming_the_cap()
    {
        await SaveConversationAsync(4);

        var atCap = Turns(await Store.ChainAsync(Org, "resp_3", maxDepth: 3, Ct));
        var refusal = Refused(await Store.ChainAsync(Org, "resp_4", maxDepth: 3, Ct));

        Assert.Equal(3, atCap.Turns.Count);
        Assert.Equal((400, "previous_response_chain_too_long"), (refusal.Status, refusal.Code));
        Assert.Equal(
            "The conversation that 'resp_4' ends is longer than 3 responses, the most the gateway continues; start a new one, sending what it needs of the history as input.",
            refusal.Message);
        Assert.Equal("previous_response_id", Assert.Single(refusal.Fields!).Path);
        Assert.Equal(1000, ResponseStore.MaxChainDepth);
    }

    [Fact]
    public async Task Should_stop_at_the_cap_on_ids_that_lead_round_in_a_circle()
    {
        await Store.SaveAsync(SampleResponses.Of(Org, "resp_a", previous: "resp_b"), Ct);
        await Store.SaveAsync(SampleResponses.Of(Org, "resp_b", previous: "resp_a"), Ct);

        var refusal = Refused(await Store.ChainAsync(Org, "resp_a", Ct));

        Assert.Equal("previous_response_chain_too_long", refusal.Code);
    }

    [Fact]
    public async Task Should_store_every_field_and_keep_the_answer_saved_last_under_a_repeated_id()
    {
        var first = SampleResponses.Of(Org, "resp_same", text: "first");
        var second = SampleResponses.Of(Org, "resp_same", previous: "resp_0", ["msg_x"], SampleResponses.CreatedAt.AddMinutes(1), "second") with { KeyId = "key_two", Status = "incomplete" };

        await Store.SaveAsync(first, Ct);
        await Store.SaveAsync(second, Ct);

        Assert.Equal(second.Response, await Store.GetAsync(Org, "resp_same", Ct));
        Assert.Null(await Store.GetAsync("org_b", "resp_same", Ct));
        Assert.Equal(
            $"key_two|resp_0|fake:gpt-4o-mini|incomplete|{second.CreatedAt.ToUnixTimeSeconds()}|{second.Input}",
            await _db.ScalarAsync<string>("select concat_ws('|', key_id, previous_response_id, model, status, extract(epoch from created_at)::bigint, input) from stored_responses"));
    }
}
