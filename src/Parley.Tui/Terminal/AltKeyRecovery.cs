using Parley.Tui.Input;
using Terminal.Gui.Drivers;

namespace Parley.Tui.Terminal;

/// <summary>Hands the keys Terminal.Gui's parser swallowed after an Alt key back to the client (see <see cref="SwallowedKeys"/>).</summary>
internal static class AltKeyRecovery
{
    /// <summary>
    /// From now on, every Alt key swallowed together with the keys typed after it reaches <paramref name="key"/>, in order.
    /// The event comes from the input processor's queue, which the main loop drains: <paramref name="key"/> runs on the UI thread.
    /// </summary>
    public static void Attach(IInputProcessor processor, Action<KeyStroke> key) =>
        processor.AnsiSequenceSwallowed += (_, sequence) =>
        {
            foreach (KeyStroke k in SwallowedKeys.Recover(sequence) ?? [])
            {
                key(k);
            }
        };
}
