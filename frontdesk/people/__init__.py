"""The people of the store (人员): who acts (the actor), staff and the up rotation, who may
do what (roles), SSH keys and desk PINs."""
