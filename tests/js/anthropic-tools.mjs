// The official @anthropic-ai/sdk client asking for the gateway's web search, whole and streamed (the SDK's own stream
// helper assembling the blocks), then echoing the first answer's blocks back on a second turn, as an application
// would. GATEWAY_URL, GATEWAY_KEY and MODEL come from the test; one JSON line of what the SDK saw goes to stdout.
import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ apiKey: process.env.GATEWAY_KEY, baseURL: process.env.GATEWAY_URL, maxRetries: 0 });
const question = { role: "user", content: "What is example.com?" };
const request = {
  model: process.env.MODEL,
  max_tokens: 100,
  messages: [question],
  tools: [{ type: "gateway_web_search", name: "web_search", max_results: 3 }],
};

// What a block says, in the fields each of its types has.
const seen = (block) => ({
  type: block.type,
  id: block.id,
  name: block.name,
  input: block.input,
  tool_use_id: block.tool_use_id,
  urls: Array.isArray(block.content) ? block.content.map((r) => r.url) : undefined,
  text: block.text,
});
const summary = (message) => ({
  blocks: message.content.map(seen),
  stop: message.stop_reason,
  searches: message.usage.server_tool_use?.web_search_requests ?? null,
  output: message.usage.output_tokens,
});

const whole = await client.messages.create(request);

const stream = client.messages.stream(request);
const events = [];
for await (const event of stream) events.push(event.type);
const streamed = await stream.finalMessage();

const echoed = await client.messages.create({
  ...request,
  messages: [question, { role: "assistant", content: whole.content }, { role: "user", content: "Thanks. And example.org?" }],
});

console.log(JSON.stringify({
  whole: summary(whole),
  streamed: { ...summary(streamed), events: events.filter((e) => e === "message_start" || e === "message_stop").length },
  echoed: summary(echoed),
}));
