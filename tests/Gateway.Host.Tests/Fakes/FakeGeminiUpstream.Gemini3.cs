using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Fakes;

/// <summary>
/// Gemini 3's function calling, held to its thought signatures as Gemini holds it: an answer to a request with
/// function declarations calls the first of them twice in parallel (Oslo and Rome), with a thoughtSignature on
/// the first call only; an answer to function responses is text, its last part signed. A request whose current
/// turn has a step of function calls without the signature they were given is refused with Gemini's 400.
/// </summary>
internal sealed partial class FakeGeminiUpstream
{
    /// <summary>What a Gemini 3 model of the fake answers once its function calls are answered.</summary>
    public const string Gemini3Answer = "Cold in Oslo, mild in Rome.";

    private int _signatures;

    /// <summary>Every thought signature the fake gave out, in the order it gave them.</summary>
    public ConcurrentQueue<string> Signed { get; } = new();

    private async Task Gemini3Async(HttpContext context, string model, JsonObject body, bool stream)
    {
        var contents = body["contents"]!.AsArray();
        if (SignatureProblem(contents) is { } problem)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = new { code = 400, message = problem, status = "INVALID_ARGUMENT" } });
            return;
        }

        var function = (string?)body["tools"]?[0]?["functionDeclarations"]?[0]?["name"];
        var answered = Parts(contents[^1]).Any(p => p.ContainsKey("functionResponse"));
        JsonObject[] parts = function is not null && !answered
            ?
            [
                new() { ["functionCall"] = new JsonObject { ["name"] = function, ["args"] = new JsonObject { ["city"] = "Oslo" } }, ["thoughtSignature"] = Sign() },
                new() { ["functionCall"] = new JsonObject { ["name"] = function, ["args"] = new JsonObject { ["city"] = "Rome" } } },
            ]
            : [new() { ["text"] = Gemini3Answer, ["thoughtSignature"] = Sign() }];
        var usage = new JsonObject { ["promptTokenCount"] = 30, ["candidatesTokenCount"] = 12, ["totalTokenCount"] = 42 };
        if (!stream)
        {
            await context.Response.WriteAsJsonAsync(Chunk(model, parts, usage, finished: true));
            return;
        }

        // Gemini streams a function call's part whole, its signature beside it; a text answer's signature comes
        // last, on a part of empty text.
        context.Response.ContentType = "text/event-stream";
        JsonObject[][] chunks = parts[0].ContainsKey("text")
            ? [[new() { ["text"] = "Cold in Oslo," }], [new() { ["text"] = " mild in Rome." }], [new() { ["text"] = "", ["thoughtSignature"] = parts[0]["thoughtSignature"]!.DeepClone() }]]
            : [parts];
        for (var i = 0; i < chunks.Length; i++)
        {
            var last = i == chunks.Length - 1;
            await context.Response.WriteAsync($"data: {Chunk(model, chunks[i], last ? usage : null, last).ToJsonString()}\r\n\r\n");
            await context.Response.Body.FlushAsync();
        }
    }

    /// <summary>
    /// Gemini's check: the current turn begins after the latest user content with text in it (function responses
    /// do not begin one); in it, the first function call of every model step must carry the signature it was given.
    /// </summary>
    private string? SignatureProblem(JsonArray contents)
    {
        var start = contents.Count - 1;
        while (start >= 0 && ((string?)contents[start]!["role"] == "model" || !Parts(contents[start]).Any(p => p.ContainsKey("text"))))
            start--;
        for (var i = start + 1; i < contents.Count; i++)
        {
            if ((string?)contents[i]!["role"] != "model" || Parts(contents[i]).FirstOrDefault(p => p.ContainsKey("functionCall")) is not { } call)
                continue;
            if ((string?)call["thoughtSignature"] is not { } signature)
            {
                return $"Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:{(string?)call["functionCall"]!["name"]}` , position {i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.";
            }

            if (!Signed.Contains(signature))
                return "Corrupted thought signature.";
        }

        return null;
    }

    /// <summary>A new signature in standard base64, with the '+', '/' and '=' that a tool call id may not hold.</summary>
    private string Sign()
    {
        var signature = Convert.ToBase64String([0xFB, 0xEF, 0xFF, (byte)Interlocked.Increment(ref _signatures), 0x01]);
        Signed.Enqueue(signature);
        return signature;
    }

    private static IEnumerable<JsonObject> Parts(JsonNode? content) => (content?["parts"] as JsonArray ?? []).OfType<JsonObject>();

    private static JsonObject Chunk(string model, JsonObject[] parts, JsonObject? usage, bool finished)
    {
        var candidate = new JsonObject { ["content"] = new JsonObject { ["role"] = "model", ["parts"] = new JsonArray([.. parts]) } };
        if (finished)
            candidate["finishReason"] = "STOP";
        var chunk = new JsonObject { ["candidates"] = new JsonArray(candidate), ["modelVersion"] = model, ["responseId"] = "resp-gemini-3" };
        if (usage is not null)
            chunk["usageMetadata"] = usage.DeepClone();
        return chunk;
    }
}
