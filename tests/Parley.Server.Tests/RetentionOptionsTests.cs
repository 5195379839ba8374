using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Storage;

namespace Parley.Server.Tests;

/// <summary>The <c>Retention</c> settings as an operator writes them: JSON, environment-style keys, validation.</summary>
public sealed class RetentionOptionsTests
{
    [Fact]
    public void The_documented_json_shape_binds_and_validates()
    {
        ServerOptions options = Bind("""
            {
              "Retention": {
                "Default": { "MaxAge": null, "MaxCount": null },
                "Rooms": {
                  "#general": { "MaxAge": "30.00:00:00", "MaxCount": 100000 },
                  "#lobby": { "MaxCount": 500 }
                },
                "Period": "00:15:00"
              }
            }
            """);

        Assert.Null(options.Retention.Default.MaxAge);
        Assert.Null(options.Retention.Default.MaxCount);
        Assert.Equal(TimeSpan.FromDays(30), options.Retention.Rooms["#general"].MaxAge);
        Assert.Equal(100_000, options.Retention.Rooms["#General"].MaxCount);
        Assert.Null(options.Retention.Rooms["#lobby"].MaxAge);
        Assert.Equal(TimeSpan.FromMinutes(15), options.Retention.Period);
        Assert.Equal(10_000, options.Retention.DeleteBatchSize);
        Assert.Empty(RetentionOptionsValidator.Check(options.Retention));
    }

    [Fact]
    public void A_room_listed_with_an_empty_object_or_empty_values_is_exempt_from_the_default()
    {
        ServerOptions options = Bind("""
            { "Retention": { "Default": { "MaxCount": 10 }, "Rooms": { "#archive": {}, "#nulls": { "MaxAge": null } } } }
            """);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retention:Rooms:empty:MaxAge"] = "",
        }).Build();
        config.Bind(options);

        Dictionary<string, RetentionLimits> rooms = options.Retention.RoomsByKey();
        Assert.Equal(["#archive", "#empty", "#nulls"], rooms.Keys.Order());
        Assert.All(rooms.Values, l => Assert.False(l.MaxAge.HasValue || l.MaxCount.HasValue));
        Assert.Empty(RetentionOptionsValidator.Check(options.Retention));
    }

    [Fact]
    public void Defaults_keep_everything()
    {
        var options = new ServerOptions();

        Assert.False(options.Retention.Default.MaxAge.HasValue || options.Retention.Default.MaxCount.HasValue);
        Assert.Empty(options.Retention.Rooms);
        Assert.Equal(TimeSpan.FromHours(1), options.Retention.Period);
        Assert.Empty(RetentionOptionsValidator.Check(options.Retention));
    }

    [Fact]
    public void Environment_style_keys_may_leave_out_the_hash()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retention:Default:MaxAge"] = "7.00:00:00",
            ["Retention:Rooms:General:MaxCount"] = "1000",
        }).Build();
        var options = new ServerOptions();
        config.Bind(options);

        Assert.Equal(TimeSpan.FromDays(7), options.Retention.Default.MaxAge);
        Assert.Equal(1000, Assert.Single(options.Retention.RoomsByKey(), r => r.Key == "#general").Value.MaxCount);
        Assert.Empty(RetentionOptionsValidator.Check(options.Retention));
    }

    [Fact]
    public void Each_bad_setting_is_named()
    {
        var retention = new RetentionOptions
        {
            Default = { MaxAge = TimeSpan.Zero, MaxCount = 0 },
            Rooms =
            {
                ["#ok"] = new RetentionLimits { MaxCount = -5 },
                // Not the same string, but the same room.
                ["ok"] = new RetentionLimits(),
                ["#has space"] = new RetentionLimits(),
            },
            Period = TimeSpan.Zero,
            DeleteBatchSize = 0,
        };

        List<string> errors = RetentionOptionsValidator.Check(retention);

        Assert.Contains(errors, e => e.StartsWith("Retention:Period", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Retention:DeleteBatchSize", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Retention:Default:MaxAge", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Retention:Default:MaxCount", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Retention:Rooms:#ok:MaxCount", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Retention:Rooms:ok: the same room as Retention:Rooms:#ok", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Retention:Rooms:#has space: not a room name", StringComparison.Ordinal));
        Assert.Equal(7, errors.Count);
    }

    [Fact]
    public void A_server_with_bad_retention_settings_is_refused_with_the_setting_named()
    {
        var settings = new ParleyServerSettings
        {
            Listen = ["127.0.0.1:0"],
            UseEnvironment = false,
            Overrides = new Dictionary<string, string?>
            {
                ["DataDirectory"] = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N")),
                ["Retention:Rooms:#general:MaxAge"] = "-1.00:00:00",
            },
        };

        // Building already reads the options (the host's shutdown timeout comes from them), so that is where it fails.
        var refused = Assert.Throws<OptionsValidationException>(() => ParleyServerHost.Build(settings));
        Assert.Contains("Retention:Rooms:#general:MaxAge must be positive", refused.Message, StringComparison.Ordinal);
    }

    private static ServerOptions Bind(string json)
    {
        IConfiguration config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var options = new ServerOptions();
        config.Bind(options);
        return options;
    }
}
