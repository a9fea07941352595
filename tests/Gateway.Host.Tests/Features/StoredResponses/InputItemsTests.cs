using System.Net;
using System.Text.Json.Nodes;
using Gateway.Host.Tests.Infrastructure;
using OpenAI.Responses;

namespace Gateway.Host.Tests.Features.StoredResponses;

/// <summary>
/// <c>GET /v1/responses/{id}/input_items</c>: a stored response's own input items in OpenAI's list shape, newest
/// first unless asked otherwise, paged by <c>limit</c> and <c>after</c>; a bad parameter is a 400 naming it.
/// </summary>
public sealed class InputItemsTests(PostgresFixture postgres) : StoredResponsesTestBase(postgres)
{
    private static readonly string[] Items = ["msg_1", "fco_2", "msg_3", "msg_4", "msg_5"];

    private async Task<JsonObject> PageAsync(string query)
    {
        var (status, text, _) = await SendAsync(HttpMethod.Get, "/v1/responses/resp_items/input_items" + query, Secret);
        Assert.True(status == HttpStatusCode.OK, $"{query}: {(int)status} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The page's item ids (space-separated, so tuples compare them by value), first_id, last_id and has_more.</summary>
    private static (string Ids, string? First, string? Last, bool More) Read(JsonObject page) =>
        (string.Join(' ', page["data"]!.AsArray().Select(i => (string)i!["id"]!)), (string?)page["first_id"], (string?)page["last_id"], (bool)page["has_more"]!);

    [Fact]
    public async Task Should_list_the_items_newest_first_by_default_in_openais_list_shape_as_they_were_stored()
    {
        var stored = await SaveAsync("resp_items", inputIds: Items);

        var page = await PageAsync("");

        Assert.Equal("list", (string?)page["object"]);
        Assert.Equal(("msg_5 msg_4 msg_3 fco_2 msg_1", "msg_5", "msg_1", false), Read(page));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored.Input)![4], page["data"]![0]));
    }

    [Fact]
    public async Task Should_page_with_limit_and_after_in_either_order()
    {
        await SaveAsync("resp_items", inputIds: Items);

        Assert.Equal(("msg_5 msg_4", "msg_5", "msg_4", true), Read(await PageAsync("?limit=2")));
        Assert.Equal(("msg_3 fco_2", "msg_3", "fco_2", true), Read(await PageAsync("?limit=2&after=msg_4")));
        Assert.Equal(("msg_1", "msg_1", "msg_1", false), Read(await PageAsync("?limit=2&after=fco_2&order=desc")));
        Assert.Equal(("msg_1 fco_2", "msg_1", "fco_2", true), Read(await PageAsync("?limit=2&order=asc")));
        Assert.Equal(("msg_3 msg_4 msg_5", "msg_3", "msg_5", false), Read(await PageAsync("?order=asc&after=fco_2")));
        Assert.Equal(("msg_5", "msg_5", "msg_5", false), Read(await PageAsync("?order=asc&after=msg_4&limit=1")));
    }

    [Fact]
    public async Task Should_answer_an_empty_page_after_the_last_item()
    {
        await SaveAsync("resp_items", inputIds: Items);

        var page = await PageAsync("?after=msg_1");

        Assert.Equal(("", null, null, false), Read(page));
    }

    [Fact]
    public async Task Should_give_the_openai_sdk_every_item_page_after_page_in_the_order_it_asks()
    {
        await SaveAsync("resp_items", inputIds: Items);
        var sdk = Responses(Secret);

        var ascending = new List<string>();
        await foreach (var item in sdk.GetResponseInputItemsAsync(
                           new ResponseItemCollectionOptions("resp_items") { PageSizeLimit = 2, Order = ResponseItemCollectionOrder.Ascending }, Ct))
            ascending.Add(item.Id);
        var byDefault = new List<string>();
        await foreach (var item in sdk.GetResponseInputItemsAsync("resp_items", Ct))
            byDefault.Add(item.Id);
        ResponseItemCollectionPage first = await sdk.GetResponseInputItemCollectionPageAsync(new ResponseItemCollectionOptions("resp_items") { PageSizeLimit = 3 }, Ct);

        Assert.Equal(Items, ascending);
        Assert.Equal(Items.Reverse(), byDefault);
        Assert.Equal(("msg_5", "msg_3", true, 3), (first.FirstId, first.LastId, first.HasMore, first.Data.Count));
        var message = Assert.IsAssignableFrom<MessageResponseItem>(first.Data[0]);
        Assert.Equal(("say msg_5", MessageRole.User), (message.Content[0].Text, message.Role));
    }

    [Theory]
    [InlineData("?limit=0", "limit", "limit must be a whole number from 1 to 100, not '0'")]
    [InlineData("?limit=101", "limit", "limit must be a whole number from 1 to 100, not '101'")]
    [InlineData("?limit=-1", "limit", "limit must be a whole number from 1 to 100, not '-1'")]
    [InlineData("?limit=ten", "limit", "limit must be a whole number from 1 to 100, not 'ten'")]
    [InlineData("?order=newest", "order", "order must be asc or desc, not 'newest'")]
    [InlineData("?after=", "after", "after must be the id of an input item (the last_id of the previous page), not empty")]
    [InlineData("?after=msg_9", "after", "after 'msg_9' is not an input item of response 'resp_items'")]
    [InlineData("?before=msg_3", "before", "before is not supported; page with after (the last_id of the previous page)")]
    [InlineData("?limit=0&order=up", "limit", "limit must be a whole number from 1 to 100, not '0'; order must be asc or desc, not 'up'")]
    public async Task Should_refuse_a_bad_paging_parameter_with_400_naming_it(string query, string param, string message)
    {
        await SaveAsync("resp_items", inputIds: Items);

        var error = await ErrorAsync(HttpMethod.Get, "/v1/responses/resp_items/input_items" + query, Secret, HttpStatusCode.BadRequest);

        Assert.Equal((param, message, "invalid_request_error"), ((string?)error["param"], (string?)error["message"], (string?)error["type"]));
    }

    [Fact]
    public async Task Should_answer_404_for_the_items_of_an_unknown_response_whatever_the_paging()
    {
        await SaveAsync("resp_items", inputIds: Items);

        var error = await ErrorAsync(HttpMethod.Get, "/v1/responses/resp_other/input_items?after=msg_1&limit=2", Secret, HttpStatusCode.NotFound);

        Assert.Equal(("response_not_found", "Response with id 'resp_other' not found."), ((string?)error["code"], (string?)error["message"]));
    }
}
