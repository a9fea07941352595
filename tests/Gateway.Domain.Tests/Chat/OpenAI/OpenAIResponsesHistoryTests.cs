using System.Text.Json.Nodes;
using Gateway.Domain.Chat.OpenAI;

namespace Gateway.Domain.Tests.Chat.OpenAI;

/// <summary>A stored conversation replayed as input for <c>previous_response_id</c>, and a request's input as it is stored.</summary>
public sealed class OpenAIResponsesHistoryTests
{
    private static JsonArray Array(string json) => JsonNode.Parse(json)!.AsArray();

    [Fact]
    public void Should_replay_each_earlier_turns_input_then_output_oldest_first_then_the_new_input_without_optional_ids()
    {
        ResponsesTurn[] chain =
        [
            new(Array("""[{"id":"msg_a_in_0","type":"message","role":"user","content":[{"type":"input_text","text":"first"}]}]"""),
                Array("""[{"id":"fc_a_0","type":"function_call","status":"completed","arguments":"{}","call_id":"call_1","name":"look"}]""")),
            new(Array("""[{"id":"fco_b_in_0","type":"function_call_output","call_id":"call_1","output":"found"}]"""),
                Array("""[{"id":"msg_b_0","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"text":"It is found."}],"role":"assistant"}]""")),
        ];

        ResponsesCases.AssertJson(
            """
            [{"type":"message","role":"user","content":[{"type":"input_text","text":"first"}]},
             {"type":"function_call","status":"completed","arguments":"{}","call_id":"call_1","name":"look"},
             {"type":"function_call_output","call_id":"call_1","output":"found"},
             {"type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"text":"It is found."}],"role":"assistant"},
             {"type":"message","role":"user","content":[{"type":"input_text","text":"thanks"}]}]
            """,
            OpenAIResponsesHistory.Expand(chain, JsonValue.Create("thanks")));
    }

    [Fact]
    public void Should_keep_reasoning_only_with_its_encrypted_content_and_the_ids_the_api_requires()
    {
        ResponsesTurn[] chain =
        [
            new(Array("""[{"type":"message","role":"user","content":[{"type":"input_text","text":"search"}]}]"""),
                Array("""
                    [{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"shown only"}]},
                     {"id":"rs_2","type":"reasoning","summary":[],"encrypted_content":"gAAAA"},
                     {"id":"ws_gw_call_1","type":"web_search_call","status":"completed","action":{"type":"search","query":"q"}}]
                    """)),
        ];

        var expanded = OpenAIResponsesHistory.Expand(chain, Array("""[{"role":"user","content":"more","id":"msg_client"}]"""));

        Assert.Equal(["message", "reasoning", "web_search_call", "message"], expanded.Select(i => (string?)i!["type"]));
        Assert.Equal([null, "rs_2", "ws_gw_call_1", "msg_client"], expanded.Select(i => (string?)i!["id"]));
    }

    [Fact]
    public void Should_carry_none_of_the_earlier_instructions()
    {
        // The instructions of a stored response are no input item of it, so nothing of them is replayed.
        var expanded = OpenAIResponsesHistory.Expand([new ResponsesTurn(OpenAIResponsesHistory.Normalise(JsonValue.Create("hi"), "resp_a"), [])], JsonValue.Create("again"));

        Assert.Equal(["hi", "again"], expanded.Select(i => (string?)i!["content"]![0]!["text"]));
        Assert.DoesNotContain("instructions", expanded.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_store_a_string_input_as_a_user_message_item_with_an_id_made_from_the_response_id() =>
        ResponsesCases.AssertJson(
            """[{"id":"msg_abc_in_0","type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}]""",
            OpenAIResponsesHistory.Normalise(JsonValue.Create("hi"), "resp_abc"));

    [Fact]
    public void Should_store_every_item_typed_and_with_an_id_keeping_the_clients_own()
    {
        var stored = OpenAIResponsesHistory.Normalise(Array("""
            [{"role":"developer","content":"be brief"},
             {"type":"message","id":"msg_client","role":"user","content":[{"type":"input_text","text":"hi"}]},
             {"role":"assistant","content":"earlier answer"},
             {"type":"function_call","call_id":"c1","name":"look","arguments":"{}"},
             {"type":"function_call_output","call_id":"c1","output":"found"},
             {"type":"item_reference","id":"msg_9"}]
            """), "resp_abc");

        ResponsesCases.AssertJson(
            """
            [{"id":"msg_abc_in_0","type":"message","role":"developer","content":[{"type":"input_text","text":"be brief"}]},
             {"type":"message","id":"msg_client","role":"user","content":[{"type":"input_text","text":"hi"}]},
             {"id":"msg_abc_in_2","type":"message","role":"assistant","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"earlier answer"}]},
             {"id":"fc_abc_in_3","type":"function_call","call_id":"c1","name":"look","arguments":"{}"},
             {"id":"fco_abc_in_4","type":"function_call_output","call_id":"c1","output":"found"},
             {"type":"item_reference","id":"msg_9"}]
            """,
            stored);
    }

    [Fact]
    public void Should_store_no_items_for_a_request_without_input() => Assert.Empty(OpenAIResponsesHistory.Normalise(null, "resp_abc"));
}
