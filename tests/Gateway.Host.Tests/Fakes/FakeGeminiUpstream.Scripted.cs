using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Fakes;

/// <summary>
/// Scripted answers, in Gemini's own shapes: the generateContent calls to come get the scripted replies in order
/// (whatever the key or model), and once the script is used up the fake answers as before. A function call is one
/// functionCall part without an id, as Gemini 2.5 sends it, streamed whole in one chunk; a text streams word by word.
/// </summary>
internal sealed partial class FakeGeminiUpstream
{
    /// <summary>How the fake answers one scripted call.</summary>
    internal abstract record Reply
    {
        public static Reply Text(string text) => new TextReply(text);

        /// <summary>Calls <paramref name="name"/> with the JSON object <paramref name="argsJson"/>.</summary>
        public static Reply FunctionCall(string name, string argsJson) => FunctionCalls((name, argsJson));

        /// <summary>Calls each function in one turn, a part each, in order.</summary>
        public static Reply FunctionCalls(params (string Name, string ArgsJson)[] calls) => new FunctionCallReply(calls);
    }

    private sealed record TextReply(string Said) : Reply;

    private sealed record FunctionCallReply(IReadOnlyList<(string Name, string ArgsJson)> Calls) : Reply;

    private readonly ConcurrentQueue<Reply> _script = new();

    public void Script(params Reply[] replies)
    {
        foreach (var reply in replies)
            _script.Enqueue(reply);
    }

    private static async Task AnswerAsync(HttpContext context, string model, bool stream, Reply reply)
    {
        var usage = reply is FunctionCallReply
            ? new JsonObject { ["promptTokenCount"] = 30, ["candidatesTokenCount"] = 9, ["totalTokenCount"] = 39 }
            : new JsonObject { ["promptTokenCount"] = 21, ["candidatesTokenCount"] = 7, ["totalTokenCount"] = 28 };
        JsonObject[][] chunks = reply switch
        {
            FunctionCallReply turn => [[.. turn.Calls.Select(c => new JsonObject { ["functionCall"] = new JsonObject { ["name"] = c.Name, ["args"] = JsonNode.Parse(c.ArgsJson) } })]],
            TextReply text when stream => [.. text.Said.Split(' ').Select((w, i) => new[] { new JsonObject { ["text"] = i == 0 ? w : " " + w } })],
            TextReply text => [[new JsonObject { ["text"] = text.Said }]],
            _ => throw new InvalidOperationException(reply.ToString()),
        };
        if (!stream)
        {
            await context.Response.WriteAsJsonAsync(Chunk(model, chunks[0], usage, finished: true));
            return;
        }

        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < chunks.Length; i++)
        {
            var last = i == chunks.Length - 1;
            await context.Response.WriteAsync($"data: {Chunk(model, chunks[i], last ? usage : null, last).ToJsonString()}\r\n\r\n");
            await context.Response.Body.FlushAsync();
        }
    }
}
