using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Fakes;

/// <summary>
/// The fake's Responses API (<c>POST /v1/responses</c>), for providers configured with the <c>responses</c>
/// capability: a text answer or a function call, whole or streamed with OpenAI's event sequence (numbered from 0),
/// a stream cut after its first words, and the scripted statuses. Its ids are fixed (<c>resp_fake</c>,
/// <c>msg_fake</c>, <c>fc_fake</c>, <c>call_fake</c>) and its usage is <see cref="Reports"/> or 12 in, 7 out, 3
/// cached. It stores nothing: a request naming <c>previous_response_id</c> is answered 400, as OpenAI answers an id
/// it does not hold, so a test sees whether the gateway expanded the conversation itself.
/// </summary>
internal sealed partial class FakeOpenAIUpstream
{
    private async Task ResponsesAsync(HttpContext context)
    {
        var body = await ReceiveAsync(context);
        var reply = NextReply();
        var model = (string?)body["model"] ?? "unknown";
        var stream = body["stream"]?.GetValueKind() == JsonValueKind.True;
        if (body["previous_response_id"] is JsonValue previous)
        {
            reply = Reply.Status(400, JsonSerializer.Serialize(new
            {
                error = new { message = $"Previous response with id '{previous}' not found.", type = "invalid_request_error", param = "previous_response_id", code = "previous_response_not_found" },
            }));
        }

        if (reply is CutStreamReply cut && stream)
        {
            await StreamResponseAsync(context, model, Message(string.Concat(Words(cut.ChunksBeforeCut))), body, end: () => CutAsync(context, cut.Cut));
            return;
        }

        JsonObject? item = reply switch
        {
            OkReply ok => Message(ok.Text),
            ToolCallReply call => new JsonObject
            {
                ["id"] = "fc_fake", ["type"] = "function_call", ["status"] = "completed", ["call_id"] = "call_fake", ["name"] = call.Name, ["arguments"] = call.ArgumentsJson,
            },
            _ => null,
        };
        if (item is null)
        {
            await WriteStatusAsync(context, reply as StatusReply ?? new StatusReply(500, """{"error":{"message":"the fake scripts no such Responses reply","type":"server_error"}}""", null));
            return;
        }

        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ResponseObject(model, "completed", [item], body).ToJsonString());
            return;
        }

        await StreamResponseAsync(context, model, item, body);
    }

    private static JsonObject Message(string text) => new()
    {
        ["id"] = "msg_fake", ["type"] = "message", ["status"] = "completed", ["role"] = "assistant",
        ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() }),
    };

    /// <summary>The response object as OpenAI writes it, echoing the request's parameters.</summary>
    private JsonObject ResponseObject(string model, string status, JsonObject[] output, JsonObject request)
    {
        var usage = Reports ?? new Usage(12, 7, 3);
        return new JsonObject
        {
            ["id"] = "resp_fake", ["object"] = "response", ["created_at"] = 1_763_800_000, ["status"] = status,
            ["error"] = null, ["incomplete_details"] = null,
            ["instructions"] = request["instructions"]?.DeepClone(), ["max_output_tokens"] = request["max_output_tokens"]?.DeepClone(),
            ["model"] = model, ["output"] = new JsonArray([.. output.Select(o => o.DeepClone())]),
            ["parallel_tool_calls"] = true, ["previous_response_id"] = null, ["store"] = request["store"]?.DeepClone() ?? true,
            ["temperature"] = 1.0, ["text"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
            ["tool_choice"] = "auto", ["tools"] = request["tools"]?.DeepClone() ?? new JsonArray(), ["top_p"] = 1.0, ["truncation"] = "disabled",
            ["usage"] = status == "in_progress" ? null : new JsonObject
            {
                ["input_tokens"] = usage.Prompt, ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.Cached },
                ["output_tokens"] = usage.Completion, ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                ["total_tokens"] = usage.Prompt + usage.Completion,
            },
            ["metadata"] = request["metadata"]?.DeepClone() ?? new JsonObject(),
        };
    }

    /// <summary>OpenAI's event sequence for one output item: created, in progress, the item's events, completed.</summary>
    /// <param name="end">When given, ends a message's stream after its text deltas in place of its proper end (a cut).</param>
    private async Task StreamResponseAsync(HttpContext context, string model, JsonObject item, JsonObject request, Func<Task>? end = null)
    {
        context.Response.ContentType = "text/event-stream";
        var sent = new MemoryStream();
        var sequence = 0;
        async Task SendAsync(string type, JsonObject data)
        {
            var payload = new JsonObject { ["type"] = type, ["sequence_number"] = sequence++ };
            foreach (var (name, value) in data)
                payload[name] = value?.DeepClone();
            var bytes = Encoding.UTF8.GetBytes($"event: {type}\ndata: {payload.ToJsonString()}\n\n");
            sent.Write(bytes);
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        var id = (string)item["id"]!;
        await SendAsync("response.created", new JsonObject { ["response"] = ResponseObject(model, "in_progress", [], request) });
        await SendAsync("response.in_progress", new JsonObject { ["response"] = ResponseObject(model, "in_progress", [], request) });
        if ((string)item["type"]! == "message")
        {
            var text = (string)item["content"]![0]!["text"]!;
            var opened = (JsonObject)item.DeepClone();
            opened["status"] = "in_progress";
            opened["content"] = new JsonArray();
            await SendAsync("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = opened });
            var at = new JsonObject { ["item_id"] = id, ["output_index"] = 0, ["content_index"] = 0 };
            JsonObject With(JsonObject more) { var o = (JsonObject)at.DeepClone(); foreach (var (k, v) in more) o[k] = v?.DeepClone(); return o; }
            await SendAsync("response.content_part.added", With(new JsonObject { ["part"] = new JsonObject { ["type"] = "output_text", ["text"] = "", ["annotations"] = new JsonArray() } }));
            foreach (var word in text.Split(' ').Select((w, i) => i == 0 ? w : " " + w))
                await SendAsync("response.output_text.delta", With(new JsonObject { ["delta"] = word, ["logprobs"] = new JsonArray() }));
            if (end is not null)
            {
                await end();
                return;
            }

            await SendAsync("response.output_text.done", With(new JsonObject { ["text"] = text, ["logprobs"] = new JsonArray() }));
            await SendAsync("response.content_part.done", With(new JsonObject { ["part"] = item["content"]![0]!.DeepClone() }));
        }
        else
        {
            var arguments = (string)item["arguments"]!;
            var opened = (JsonObject)item.DeepClone();
            opened["status"] = "in_progress";
            opened["arguments"] = "";
            await SendAsync("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = opened });
            var half = arguments.Length / 2;
            foreach (var piece in new[] { arguments[..half], arguments[half..] })
                await SendAsync("response.function_call_arguments.delta", new JsonObject { ["item_id"] = id, ["output_index"] = 0, ["delta"] = piece });
            await SendAsync("response.function_call_arguments.done", new JsonObject { ["item_id"] = id, ["output_index"] = 0, ["name"] = item["name"]!.DeepClone(), ["arguments"] = arguments });
        }

        await SendAsync("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = item });
        await SendAsync("response.completed", new JsonObject { ["response"] = ResponseObject(model, "completed", [item], request) });
        StreamedBytes.Enqueue(sent.ToArray());
    }
}
