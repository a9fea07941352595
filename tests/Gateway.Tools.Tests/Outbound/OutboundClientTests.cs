using System.Net;
using System.Text;
using Gateway.Domain.Outbound;
using Gateway.Host.Tests.Fakes;
using Gateway.Tools.Tests.Fakes;
using Gateway.Tools.Outbound;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tools.Tests.Outbound;

/// <summary>
/// The guarded client against real servers on 127.0.0.1 (let through by <c>outbound.allow</c> where a
/// test needs to reach them) and a scripted resolver: connect-time vetting, rebinding, redirects, and
/// the size and time caps. Nothing here connects anywhere but 127.0.0.1.
/// </summary>
public sealed class OutboundClientTests : IAsyncLifetime
{
    private readonly FakeHostResolver _resolver = new();
    private OutboundTarget _target = null!;

    public async ValueTask InitializeAsync() => _target = await OutboundTarget.StartAsync();

    public async ValueTask DisposeAsync() => await _target.DisposeAsync();

    private OutboundGuard Guard(params string[] allow) => new(new OutboundRules(OutboundAllowList.Parse(allow).List!), _resolver);

    private OutboundClient Client(params string[] allow) => new(Guard(allow), TimeProvider.System);

    private static Task<OutboundResponse> GetAsync(OutboundClient client, Uri url, OutboundLimits? limits = null) =>
        client.SendAsync(new OutboundRequest(HttpMethod.Get, url), limits ?? OutboundLimits.Fetch, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Should_reach_a_loopback_receiver_at_the_address_the_resolver_answered_when_127_0_0_1_is_allowed()
    {
        // No DNS knows receiver.test: the request can only arrive through the address the guard vetted.
        _resolver.Answer("receiver.test", "127.0.0.1");
        using var client = Client("127.0.0.1");

        var answer = await GetAsync(client, new Uri($"http://receiver.test:{_target.Port}/ok"));

        Assert.Equal((OutboundStatus.Answered, HttpStatusCode.OK, "ok"), (answer.Status, answer.StatusCode, Encoding.UTF8.GetString(answer.Body)));
        Assert.Equal("receiver.test", Assert.Single(_target.Hits).Host);
        Assert.Equal(["receiver.test"], _resolver.Lookups);
    }

    [Fact]
    public async Task Should_refuse_a_name_that_resolves_to_127_0_0_1_without_an_allow_entry()
    {
        _resolver.Answer("receiver.test", "127.0.0.1");
        using var client = Client();

        var standardPort = await GetAsync(client, new Uri("http://receiver.test/ok"));
        var receiverPort = await GetAsync(client, new Uri($"http://receiver.test:{_target.Port}/ok"));
        var literal = await GetAsync(client, _target.Url("/ok"));

        Assert.Equal((OutboundStatus.Refused, "receiver.test resolves to 127.0.0.1, a loopback address; allow it with outbound.allow"), (standardPort.Status, standardPort.Reason));
        Assert.Equal((OutboundStatus.Refused, $"port {_target.Port} is not 80 or 443; allow receiver.test:{_target.Port} with outbound.allow"), (receiverPort.Status, receiverPort.Reason));
        Assert.Equal((OutboundStatus.Refused, "127.0.0.1 is a loopback address; allow it with outbound.allow"), (literal.Status, literal.Reason));
        Assert.Empty(_target.Hits);
    }

    [Fact]
    public async Task Should_refuse_a_name_when_any_of_its_addresses_is_private()
    {
        _resolver.Answer("mixed.test", "93.184.215.14", "10.0.0.7");
        using var client = Client();

        var answer = await GetAsync(client, new Uri("https://mixed.test/page"));

        Assert.Equal((OutboundStatus.Refused, "mixed.test resolves to 10.0.0.7, a private address; allow it with outbound.allow"), (answer.Status, answer.Reason));
    }

    [Fact]
    public async Task Should_refuse_the_connect_when_the_name_resolves_public_at_the_check_and_private_at_the_connect()
    {
        _resolver.AnswerInTurn("rebind.test", ["93.184.215.14"], ["127.0.0.1"]);
        var guard = Guard();
        using var client = new OutboundClient(guard, TimeProvider.System);

        var check = await guard.CheckAsync(new Uri("http://rebind.test/hook"), TestContext.Current.CancellationToken);
        var answer = await GetAsync(client, new Uri("http://rebind.test/hook"));

        Assert.True(check.Allowed);
        Assert.Equal((OutboundStatus.Refused, "rebind.test resolves to 127.0.0.1, a loopback address; allow it with outbound.allow"), (answer.Status, answer.Reason));
        Assert.Equal(["rebind.test", "rebind.test"], _resolver.Lookups);
    }

    [Theory]
    [InlineData("ftp://files.example/report", "must be an http or https URL")]
    [InlineData("file:///etc/passwd", "must be an http or https URL")]
    [InlineData("https://user:secret@hooks.example/", "must not carry a user name or password (they would be sent to whoever answers, and logged)")]
    [InlineData("https://hooks.example:8443/", "port 8443 is not 80 or 443; allow hooks.example:8443 with outbound.allow")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal is a cloud metadata name; allow it with outbound.allow")]
    [InlineData("http://[::ffff:169.254.169.254]/latest/meta-data/", "::ffff:169.254.169.254 (IPv4-mapped 169.254.169.254) is a cloud metadata address; allow it with outbound.allow")]
    [InlineData("http://[64:ff9b::a00:7]/", "64:ff9b::a00:7 (NAT64 of 10.0.0.7) is a private address; allow it with outbound.allow")]
    public async Task Should_refuse_what_the_rules_refuse_before_any_lookup_or_connection(string url, string reason)
    {
        using var client = Client();

        var answer = await GetAsync(client, new Uri(url));

        Assert.Equal((OutboundStatus.Refused, reason), (answer.Status, answer.Reason));
        Assert.Empty(_resolver.Lookups);
    }

    [Fact]
    public async Task Should_fail_with_the_reason_when_a_name_does_not_resolve()
    {
        using var client = Client();

        var answer = await GetAsync(client, new Uri("https://nowhere.test/"));

        Assert.Equal((OutboundStatus.Failed, "nowhere.test does not resolve (HostNotFound)"), (answer.Status, answer.Reason));
    }

    [Fact]
    public async Task Should_answer_a_webhook_s_redirect_as_it_is_without_following_it()
    {
        using var client = Client("127.0.0.1");

        var answer = await client.SendAsync(
            new OutboundRequest(HttpMethod.Post, _target.Url($"/to?location={Uri.EscapeDataString(_target.Url("/ok").ToString())}")) { Body = "{}"u8.ToArray() },
            OutboundLimits.Webhook, TestContext.Current.CancellationToken);

        Assert.Equal((OutboundStatus.Answered, HttpStatusCode.Found, "HTTP 302"), (answer.Status, answer.StatusCode, answer.Reason));
        Assert.False(answer.IsSuccess);
        Assert.Empty(_target.Hits);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/", "redirect 1 to 169.254.169.254: 169.254.169.254 is a cloud metadata address; allow it with outbound.allow")]
    [InlineData("http://127.0.0.2/admin", "redirect 1 to 127.0.0.2: 127.0.0.2 is a loopback address; allow it with outbound.allow")]
    [InlineData("http://internal.test/admin", "redirect 1 to internal.test: internal.test resolves to 10.0.0.7, a private address; allow it with outbound.allow")]
    [InlineData("file:///etc/passwd", "redirect 1: must be an http or https URL")]
    public async Task Should_check_a_fetch_s_redirect_again_and_refuse_one_to_a_private_address(string location, string reason)
    {
        _resolver.Answer("internal.test", "10.0.0.7");
        using var client = Client("127.0.0.1");

        var answer = await GetAsync(client, _target.Url($"/to?location={Uri.EscapeDataString(location)}"));

        Assert.Equal((OutboundStatus.Refused, reason), (answer.Status, answer.Reason));
    }

    [Fact]
    public async Task Should_follow_five_redirects_and_fail_on_a_sixth()
    {
        using var client = Client("127.0.0.1");

        var five = await GetAsync(client, _target.Url("/chain/5"));
        var six = await GetAsync(client, _target.Url("/chain/6"));

        Assert.Equal((OutboundStatus.Answered, HttpStatusCode.OK, "arrived", "/chain/0"), (five.Status, five.StatusCode, Encoding.UTF8.GetString(five.Body), five.Url!.AbsolutePath));
        Assert.Equal((OutboundStatus.Failed, "more than 5 redirects"), (six.Status, six.Reason));
    }

    [Fact]
    public async Task Should_repeat_a_post_on_307_turn_it_into_a_get_on_303_and_keep_authorization_to_the_first_origin()
    {
        _resolver.Answer("receiver.test", "127.0.0.1");
        using var client = Client("127.0.0.1");
        var ok = _target.Url("/ok").ToString();
        var elsewhere = $"http://receiver.test:{_target.Port}/ok";
        OutboundRequest Post(int status, string location) => new(HttpMethod.Post, _target.Url($"/to?status={status}&location={Uri.EscapeDataString(location)}"))
        {
            Body = "{\"a\":1}"u8.ToArray(),
            Headers = [new("Authorization", "Bearer t0ken")],
        };

        await client.SendAsync(Post(307, ok), OutboundLimits.Fetch, TestContext.Current.CancellationToken);
        await client.SendAsync(Post(303, ok), OutboundLimits.Fetch, TestContext.Current.CancellationToken);
        await client.SendAsync(Post(307, elsewhere), OutboundLimits.Fetch, TestContext.Current.CancellationToken);

        Assert.Equal(
            [new("POST", "/ok", "127.0.0.1", "Bearer t0ken", "{\"a\":1}"), new("GET", "/ok", "127.0.0.1", "Bearer t0ken", ""), new("POST", "/ok", "receiver.test", null, "{\"a\":1}")],
            _target.Hits);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_fail_an_answer_over_the_size_cap_whether_or_not_it_states_its_length(bool chunked)
    {
        using var client = Client("127.0.0.1");
        var limits = OutboundLimits.Webhook;

        var over = await GetAsync(client, _target.Url($"/size/{limits.MaxResponseBytes + 1}?chunked={chunked}"), limits);
        var atCap = await GetAsync(client, _target.Url($"/size/{limits.MaxResponseBytes}?chunked={chunked}"), limits);

        Assert.Equal((OutboundStatus.Failed, "the answer is larger than 65536 bytes"), (over.Status, over.Reason));
        Assert.Equal((OutboundStatus.Answered, 65536), (atCap.Status, atCap.Body.Length));
    }

    [Fact]
    public async Task Should_fail_when_no_answer_comes_within_the_time_cap()
    {
        var time = new FakeTimeProvider();
        using var client = new OutboundClient(Guard("127.0.0.1"), time);

        var sending = GetAsync(client, _target.Url("/hang"), OutboundLimits.Webhook);
        await _target.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        time.Advance(OutboundLimits.Webhook.Timeout);
        var answer = await sending.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal((OutboundStatus.Failed, "no answer within 10 s"), (answer.Status, answer.Reason));
    }
}
