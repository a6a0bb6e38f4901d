from factdb.cli.app import main

# Guarded: worker processes (``match --queries``) start by importing the main module.
if __name__ == "__main__":
    main()
