using Microsoft.Extensions.Logging;

namespace Parley.Tui;

/// <summary>The chat screen's log events (event ids 3000-3099).</summary>
internal static partial class TuiLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "The chat screen failed")]
    public static partial void ScreenFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "A UI callback threw; the screen goes on")]
    public static partial void UiCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Could not read the configuration {Path}: {Reason}")]
    public static partial void ConfigUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Ping failed: {Reason}")]
    public static partial void PingFailed(ILogger logger, string reason);
}
