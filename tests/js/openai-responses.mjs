// The official openai Node client's Responses API against the gateway, as an application would use it. The first
// argument names the part to run (text, tools, stored, errors, cut); GATEWAY_URL, GATEWAY_KEY and MODEL come from the
// test, SPENT_KEY (a key whose organisation's budget is spent) for the errors. One JSON line of what the SDK saw goes
// to stdout last; the cut part prints "cut now" before it, once the stream's second word has arrived.
import OpenAI, { APIError } from "openai";

const client = new OpenAI({ apiKey: process.env.GATEWAY_KEY, baseURL: `${process.env.GATEWAY_URL}/v1`, maxRetries: 0 });
const model = process.env.MODEL;

/** What an APIError says, or what else was thrown. */
async function refusal(call) {
  try {
    await call();
    return { thrown: false };
  } catch (error) {
    return error instanceof APIError
      ? { apiError: true, status: error.status ?? null, code: error.code ?? null, type: error.type ?? null, param: error.param ?? null, message: error.message }
      : { apiError: false, message: String(error) };
  }
}

const parts = {
  async text() {
    const whole = await client.responses.create({ model, input: "Say hello" });

    const stream = await client.responses.create({ model, input: "Say hello", stream: true });
    const events = [];
    for await (const event of stream) events.push({ type: event.type, sequence: event.sequence_number });

    const helper = client.responses.stream({ model, input: "Say hello" });
    let helperText = "";
    helper.on("response.output_text.delta", (event) => { helperText += event.delta; });
    const final = await helper.finalResponse();

    const parsed = await client.responses.parse({
      model,
      input: "Where is it sunny?",
      text: {
        format: {
          type: "json_schema", name: "city", strict: true,
          schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
        },
      },
    });

    return {
      whole: { id: whole.id, object: whole.object, status: whole.status, text: whole.output_text, usage: whole.usage },
      events,
      // finalResponse() leaves output_text out (the SDK adds it to parsed responses only): read the message itself.
      helper: { id: final.id, status: final.status, text: final.output.find((item) => item.type === "message")?.content[0]?.text ?? null, deltas: helperText },
      parsed: parsed.output_parsed,
    };
  },

  async tools() {
    const tools = [{
      type: "function", name: "weather", description: "The weather in a city", strict: true,
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
    }];
    const input = [{ role: "user", content: "What is the weather in Oslo?" }];
    const first = await client.responses.create({ model, input, tools });
    const call = first.output.find((item) => item.type === "function_call");
    const second = await client.responses.create({
      model, tools,
      input: [...input, ...first.output, { type: "function_call_output", call_id: call.call_id, output: "Sunny, 21 C" }],
    });
    return { call: { name: call.name, arguments: call.arguments, callId: call.call_id }, answer: second.output_text };
  },

  async stored() {
    const first = await client.responses.create({ model, input: "My name is Ada." });
    const second = await client.responses.create({
      model,
      previous_response_id: first.id,
      input: [{ role: "user", content: "Answer in one word." }, { role: "user", content: "What is my name?" }],
    });
    const retrieved = await client.responses.retrieve(second.id);

    const items = [];
    for await (const item of client.responses.inputItems.list(second.id, { limit: 1 })) items.push({ id: item.id, role: item.role, text: item.content[0].text });
    let pages = 0;
    for await (const page of (await client.responses.inputItems.list(second.id, { limit: 1 })).iterPages()) pages += page.data.length > 0 ? 1 : 0;

    const deleted = await client.responses.delete(first.id);
    const gone = await refusal(() => client.responses.retrieve(first.id));
    return {
      first: first.id,
      second: { id: second.id, previous: second.previous_response_id ?? null, text: second.output_text },
      retrieved: { id: retrieved.id, text: retrieved.output_text },
      items, pages, deleted: deleted ?? null, gone,
    };
  },

  async errors() {
    const spent = new OpenAI({ apiKey: process.env.SPENT_KEY, baseURL: `${process.env.GATEWAY_URL}/v1`, maxRetries: 0 });
    return {
      invalid: await refusal(() => client.responses.create({ model, input: "Say hello", temperature: 3 })),
      budget: await refusal(() => spent.responses.create({ model, input: "Say hello", max_output_tokens: 16 })),
      unknown: await refusal(() => client.responses.retrieve("resp_0000000000000000000000000000000000000000000000")),
    };
  },

  async cut() {
    const events = [];
    let text = "";
    const thrown = await refusal(async () => {
      const stream = await client.responses.create({ model, input: "Say hello", stream: true });
      for await (const event of stream) {
        events.push(event.type);
        if (event.type !== "response.output_text.delta") continue;
        text += event.delta;
        if (text.includes("word1")) console.log("cut now");
      }
    });
    return { thrown, events, text };
  },
};

console.log(JSON.stringify(await parts[process.argv[2]]()));
