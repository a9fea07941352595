// The official openai Node client asking for the gateway's web search, whole and streamed, as an application would.
// The SDK passes the gateway tool entry through as written. GATEWAY_URL, GATEWAY_KEY and MODEL come from the test; one
// JSON line of what the SDK saw goes to stdout.
import OpenAI from "openai";

const client = new OpenAI({ apiKey: process.env.GATEWAY_KEY, baseURL: `${process.env.GATEWAY_URL}/v1`, maxRetries: 0 });
const request = {
  model: process.env.MODEL,
  messages: [{ role: "user", content: "What is example.com?" }],
  tools: [{ type: "gateway_web_search", max_results: 3 }],
};

const whole = await client.chat.completions.create(request);

const stream = await client.chat.completions.create({ ...request, stream: true });
let text = "";
let finish = null;
let toolCalls = 0;
for await (const chunk of stream) {
  const choice = chunk.choices[0];
  if (!choice) continue;
  text += choice.delta?.content ?? "";
  toolCalls += choice.delta?.tool_calls?.length ?? 0;
  finish = choice.finish_reason ?? finish;
}

console.log(JSON.stringify({
  whole: {
    content: whole.choices[0].message.content,
    annotations: whole.choices[0].message.annotations ?? [],
    finish: whole.choices[0].finish_reason,
  },
  streamed: { content: text, finish, toolCalls },
}));
