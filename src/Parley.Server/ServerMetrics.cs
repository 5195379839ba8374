using System.Diagnostics.Metrics;

namespace Parley.Server;

/// <summary>The server's instruments (meter <c>Parley.Server</c>), readable with dotnet-counters or an OpenTelemetry exporter.</summary>
internal sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "Parley.Server";

    private readonly Meter _meter;

    public ServerMetrics(IMeterFactory? factory = null, Func<int>? liveConnections = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        Accepted = _meter.CreateCounter<long>("parley.connections.accepted", description: "Connections accepted");
        Rejected = _meter.CreateCounter<long>("parley.connections.rejected", description: "Connections refused by a connection limit");
        Evictions = _meter.CreateCounter<long>("parley.evictions", description: "Clients evicted as slow consumers");
        Lagging = _meter.CreateCounter<long>("parley.lagging", description: "Times a client's send queue crossed its soft limit");
        Messages = _meter.CreateCounter<long>("parley.messages", description: "Room and direct messages accepted");
        Deliveries = _meter.CreateCounter<long>("parley.deliveries", description: "Frames offered to members' send queues by fan-out");
        Flushes = _meter.CreateCounter<long>("parley.flushes", description: "Write-loop flushes (one per batch)");
        DirectWritesEnded = _meter.CreateCounter<long>("parley.direct_writes_ended",
            description: "Connections whose direct socket writes ended at a short send (a slow reader); they write through the pipe from then on");
        if (liveConnections is not null)
        {
            _meter.CreateObservableGauge("parley.connections.live", liveConnections, description: "Open connections");
        }
    }

    public Counter<long> Accepted { get; }

    public Counter<long> DirectWritesEnded { get; }

    public Counter<long> Rejected { get; }

    public Counter<long> Evictions { get; }

    public Counter<long> Lagging { get; }

    public Counter<long> Messages { get; }

    public Counter<long> Deliveries { get; }

    public Counter<long> Flushes { get; }

    public void Dispose() => _meter.Dispose();
}
