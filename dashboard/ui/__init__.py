"""The user interface: the Streamlit script (the only module importing streamlit), URL state and readable views."""
