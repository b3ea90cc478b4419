"""Reading and validating the stack config: every user mistake becomes one clear message.

The config layer turns the raw values of ``pulumi.Config`` into frozen dataclasses and never
declares a resource: a bad config stops the program before anything reaches the engine.
"""
