namespace Parley.Server.Tls;

/// <summary>
/// What a file is now, cheaply: the path it finally resolves to through symbolic links, its modification
/// time and size. certbot renews by pointing <c>live/NAME/fullchain.pem</c> at a new file in <c>archive/</c>,
/// so the target path changes even when the times happen to match.
/// </summary>
internal readonly record struct FileStamp(string Target, DateTime LastWriteUtc, long Length)
{
    public static FileStamp Of(string path)
    {
        var file = new FileInfo(path);
        try
        {
            if (file.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target)
            {
                file = target;
            }
        }
        catch (IOException)
        {
            // A dangling or looping link: stamp the link itself; loading it will say what is wrong.
        }

        return file.Exists ? new FileStamp(file.FullName, file.LastWriteTimeUtc, file.Length) : new FileStamp(file.FullName, default, -1);
    }
}
