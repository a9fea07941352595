using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Fakes;

/// <summary>
/// Scripted answers, in Anthropic's own shapes: the calls to come get the scripted replies in order (whatever the key),
/// and once the script is used up the fake answers as before. A tool call is a line of text then a tool_use block, as
/// Claude writes one: whole, or streamed with the input as input_json_delta pieces.
/// </summary>
internal sealed partial class FakeAnthropicUpstream
{
    /// <summary>What a tool_use reply says before its call.</summary>
    public const string Preamble = "Let me look that up.";

    /// <summary>The id of every scripted tool_use block.</summary>
    public const string ToolUseId = "toolu_01FakeScripted";

    /// <summary>How the fake answers one scripted call.</summary>
    internal abstract record Reply
    {
        public static Reply Text(string text) => new TextReply(text);

        /// <summary>Calls <paramref name="name"/> with the JSON object <paramref name="inputJson"/>, stop_reason tool_use.</summary>
        public static Reply ToolUse(string name, string inputJson) => new ToolUseReply([new ToolUseCall(name, inputJson)]);

        /// <summary>Calls each tool in one turn, in order: the first under <see cref="ToolUseId"/>, the next under <see cref="ToolUseIdOf"/>(1), ...</summary>
        public static Reply ToolUses(params (string Name, string InputJson)[] calls) => new ToolUseReply([.. calls.Select(c => new ToolUseCall(c.Name, c.InputJson))]);
    }

    private sealed record TextReply(string Said) : Reply;

    private sealed record ToolUseCall(string Name, string InputJson);

    private sealed record ToolUseReply(IReadOnlyList<ToolUseCall> Calls) : Reply;

    /// <summary>The id of a scripted turn's call number <paramref name="index"/> (0 is <see cref="ToolUseId"/>).</summary>
    public static string ToolUseIdOf(int index) => index == 0 ? ToolUseId : $"{ToolUseId}{index + 1}";

    private readonly ConcurrentQueue<Reply> _script = new();

    public void Script(params Reply[] replies)
    {
        foreach (var reply in replies)
            _script.Enqueue(reply);
    }

    private static async Task AnswerAsync(HttpContext context, string model, bool stream, Reply reply)
    {
        var (stopReason, usage) = reply is ToolUseReply ? ("tool_use", new { input_tokens = 30, output_tokens = 9 }) : ("end_turn", new { input_tokens = 21, output_tokens = 7 });
        if (!stream)
        {
            JsonArray content = reply switch
            {
                ToolUseReply turn =>
                [
                    new JsonObject { ["type"] = "text", ["text"] = Preamble },
                    .. turn.Calls.Select((call, i) => new JsonObject { ["type"] = "tool_use", ["id"] = ToolUseIdOf(i), ["name"] = call.Name, ["input"] = JsonNode.Parse(call.InputJson) }),
                ],
                TextReply text => [new JsonObject { ["type"] = "text", ["text"] = text.Said }],
                _ => throw new InvalidOperationException(reply.ToString()),
            };
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["id"] = "msg_scripted", ["type"] = "message", ["role"] = "assistant", ["model"] = model, ["content"] = content,
                ["stop_reason"] = stopReason, ["stop_sequence"] = null, ["usage"] = JsonSerializer.SerializeToNode(usage),
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        async Task Send(string type, object data)
        {
            await context.Response.WriteAsync($"event: {type}\ndata: {JsonSerializer.Serialize(data)}\n\n");
            await context.Response.Body.FlushAsync();
        }

        async Task TextBlock(int index, string text)
        {
            await Send("content_block_start", new { type = "content_block_start", index, content_block = new { type = "text", text = "" } });
            foreach (var word in text.Split(' ').Select((w, i) => i == 0 ? w : " " + w))
                await Send("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "text_delta", text = word } });
            await Send("content_block_stop", new { type = "content_block_stop", index });
        }

        await Send("message_start", new
        {
            type = "message_start",
            message = new { id = "msg_scripted", type = "message", role = "assistant", model, content = Array.Empty<object>(), stop_reason = (string?)null, usage = new { usage.input_tokens, output_tokens = 1 } },
        });
        switch (reply)
        {
            case ToolUseReply turn:
                await TextBlock(0, Preamble);
                for (var i = 0; i < turn.Calls.Count; i++)
                {
                    var (call, index) = (turn.Calls[i], i + 1);
                    await Send("content_block_start", new { type = "content_block_start", index, content_block = new { type = "tool_use", id = ToolUseIdOf(i), name = call.Name, input = new { } } });
                    var half = call.InputJson.Length / 2;
                    foreach (var piece in new[] { "", call.InputJson[..half], call.InputJson[half..] })
                        await Send("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "input_json_delta", partial_json = piece } });
                    await Send("content_block_stop", new { type = "content_block_stop", index });
                }

                break;
            case TextReply text:
                await TextBlock(0, text.Said);
                break;
        }

        await Send("message_delta", new { type = "message_delta", delta = new { stop_reason = stopReason, stop_sequence = (string?)null }, usage = new { usage.output_tokens } });
        await Send("message_stop", new { type = "message_stop" });
    }
}
