"""Reading and validating the stack config: every user mistake becomes one clear message.

The config layer turns raw config values (from ``pulumi.Config`` in the program, from
``Pulumi.<stack>.yaml`` in the command) into frozen dataclasses. It imports neither Pulumi nor
the engine: a bad config stops the program before any resource is declared.
"""
