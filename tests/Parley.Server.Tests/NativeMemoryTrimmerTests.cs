using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Hosting;

namespace Parley.Server.Tests;

/// <summary>
/// <see cref="NativeMemoryTrimmer"/> against this process's real glibc <c>malloc</c>: memory freed in the middle of
/// an arena stays resident until the trimmer hands it back.
/// </summary>
public sealed class NativeMemoryTrimmerTests
{
    private const int BlockBytes = 32 * 1024;
    private const int Blocks = 2048;

    [Fact]
    public void Memory_freed_inside_mallocs_arenas_is_handed_back_on_the_next_check_once_enough_is_free()
    {
        if (!NativeMemoryTrimmer.Available)
        {
            Assert.False(OperatingSystem.IsLinux(), "glibc's malloc_trim or mallinfo2 was not found");
            return;
        }

        var time = new FakeTimeProvider();
        var trimmer = new NativeMemoryTrimmer(TimeSpan.FromSeconds(10), 16L << 20, time, NullLogger.Instance);
        nint[] kept = FreeMostOfManyBlocks(out long freed);
        try
        {
            Assert.True(NativeMemoryTrimmer.FreeBytes >= freed / 2, $"malloc reports {NativeMemoryTrimmer.FreeBytes} bytes free after {freed} were freed");
            long before = NativeMemoryTrimmer.ResidentBytes();
            trimmer.Start();

            time.Advance(TimeSpan.FromSeconds(9));
            Assert.Equal(0, trimmer.Trims);
            time.Advance(TimeSpan.FromSeconds(1));

            Assert.Equal(1, trimmer.Trims);
            // Most of the freed 56 MiB were resident (every byte was written); other threads allocate meanwhile.
            long released = before - NativeMemoryTrimmer.ResidentBytes();
            Assert.True(released >= freed / 4, $"resident memory fell by {released} bytes of the {freed} freed");

            // malloc still counts that memory free, but it is given back already: the next checks leave it be.
            time.Advance(TimeSpan.FromSeconds(10));
            time.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(1, trimmer.Trims);
        }
        finally
        {
            trimmer.Stop();
            foreach (nint block in kept)
            {
                Marshal.FreeHGlobal(block);
            }
        }
    }

    [Fact]
    public void Less_free_memory_than_the_threshold_is_left_alone()
    {
        var trimmer = new NativeMemoryTrimmer(TimeSpan.FromSeconds(10), long.MaxValue, new FakeTimeProvider(), NullLogger.Instance);

        Assert.Equal(-1, trimmer.TrimIfWorthIt());
        Assert.Equal(0, trimmer.Trims);
    }

    /// <summary>
    /// Allocates many blocks below glibc's mmap threshold, writes them, and frees seven in eight: the free ones lie
    /// between kept ones, where glibc does not return memory by itself. Returns the kept blocks.
    /// </summary>
    private static nint[] FreeMostOfManyBlocks(out long freed)
    {
        // Marshal.AllocHGlobal is malloc on Linux.
        byte[] pattern = new byte[BlockBytes];
        Array.Fill(pattern, (byte)0x5a);
        var all = new nint[Blocks];
        for (int i = 0; i < Blocks; i++)
        {
            all[i] = Marshal.AllocHGlobal(BlockBytes);
            Marshal.Copy(pattern, 0, all[i], BlockBytes);
        }

        var kept = new List<nint>();
        freed = 0;
        for (int i = 0; i < Blocks; i++)
        {
            if (i % 8 == 7)
            {
                kept.Add(all[i]);
            }
            else
            {
                Marshal.FreeHGlobal(all[i]);
                freed += BlockBytes;
            }
        }

        return [.. kept];
    }
}
