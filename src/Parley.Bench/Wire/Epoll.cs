using System.Runtime.InteropServices;

namespace Parley.Bench.Wire;

/// <summary>The libc calls of the bench's own receive loop (Linux x86-64 only: see <see cref="IsSupported"/>).</summary>
internal static unsafe partial class Epoll
{
    // Linux values (asm-generic; x86-64).
    public const uint In = 0x001;
    public const int CtlAdd = 1;
    public const int CtlDel = 2;
    public const int CloseOnExec = 0x80000;
    public const int EventFdNonBlocking = 0x800;
    public const int DontWait = 0x40;
    public const int Interrupted = 4;
    public const int WouldBlock = 11;

    /// <summary>
    /// <c>struct epoll_event</c> is declared <c>__attribute__((packed))</c> on x86-64 only (12 bytes, the
    /// 64-bit data at offset 4); on other architectures it is 16 bytes, which is one reason the poller
    /// is x86-64 only rather than guessing the layout.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public struct Event
    {
        public uint Events;
        public ulong Data;
    }

    /// <summary>Linux on x86-64: the one platform whose <see cref="Event"/> layout this file states.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int Create(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int Control(int epoll, int operation, int fd, Event* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int Wait(int epoll, Event* events, int maxEvents, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Receive(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    /// <summary>The text of the last call's errno ("Connection reset by peer"), as a SocketException's message would be.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
