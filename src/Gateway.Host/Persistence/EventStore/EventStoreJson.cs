using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Host.Persistence.EventStore;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventMetadata))]
internal sealed partial class EventStoreJson : JsonSerializerContext;
