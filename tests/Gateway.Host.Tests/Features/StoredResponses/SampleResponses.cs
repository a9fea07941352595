using Gateway.Host.Features.StoredResponses;

namespace Gateway.Host.Tests.Features.StoredResponses;

/// <summary>Responses as the Responses dialect stores them: the object a client got and its request's own input items.</summary>
internal static class SampleResponses
{
    public static readonly DateTimeOffset CreatedAt = new(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);

    /// <summary>
    /// A completed response object, indented and ordered as OpenAI's API writes one (and so as a passthrough answer
    /// reaches the client): what GET must give back byte for byte.
    /// </summary>
    public static string Object(string id, string text, string? previous = null, DateTimeOffset? createdAt = null) => $$"""
        {
          "id": "{{id}}",
          "object": "response",
          "created_at": {{(createdAt ?? CreatedAt).ToUnixTimeSeconds()}},
          "status": "completed",
          "background": false,
          "error": null,
          "incomplete_details": null,
          "instructions": null,
          "max_output_tokens": null,
          "model": "fake:gpt-4o-mini",
          "output": [
            {
              "id": "msg_out_{{id}}",
              "type": "message",
              "status": "completed",
              "content": [
                {
                  "type": "output_text",
                  "annotations": [],
                  "text": "{{text}}"
                }
              ],
              "role": "assistant"
            }
          ],
          "parallel_tool_calls": true,
          "previous_response_id": {{(previous is null ? "null" : $"\"{previous}\"")}},
          "reasoning": {
            "effort": null,
            "summary": null
          },
          "store": true,
          "temperature": 1.0,
          "text": {
            "format": {
              "type": "text"
            }
          },
          "tool_choice": "auto",
          "tools": [],
          "top_p": 1.0,
          "truncation": "disabled",
          "usage": {
            "input_tokens": 12,
            "input_tokens_details": {
              "cached_tokens": 0
            },
            "output_tokens": 3,
            "output_tokens_details": {
              "reasoning_tokens": 0
            },
            "total_tokens": 15
          },
          "user": null,
          "metadata": {}
        }
        """;

    /// <summary>User messages, one per id, as the dialect normalises input: each a message item of input_text parts with its id.</summary>
    public static string Input(params string[] itemIds) =>
        "[" + string.Join(",", itemIds.Select(i => $$"""{"type":"message","id":"{{i}}","role":"user","content":[{"type":"input_text","text":"say {{i}}"}]}""")) + "]";

    public static StoredResponse Of(
        string orgId, string id, string? previous = null, string[]? inputIds = null, DateTimeOffset? createdAt = null, string text = "Hello") =>
        new(orgId, id, "key_test", previous, "fake:gpt-4o-mini", "completed", createdAt ?? CreatedAt,
            Object(id, text, previous, createdAt), Input(inputIds ?? [$"msg_in_{id}"]));
}
